/** `npm start` (after bootstrap): build the dashboard if needed, then run the server in this process. */
import { buildWebIfChanged } from "./build-web.ts";

if (!process.argv.includes("--dev")) buildWebIfChanged();
await import("../apps/server/src/main.ts");
