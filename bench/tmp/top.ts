import { readFileSync } from "node:fs";
import { topSelfTime } from "../support/cpu-profile.ts";
console.log(topSelfTime(JSON.parse(readFileSync(process.argv[2]!, "utf8")), 25).join("\n"));
