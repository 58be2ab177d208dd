/**
 * `npm start` (after bootstrap): build the dashboard if its sources changed and the CLI
 * (100 ms), then run the server in this process.
 */
import { buildCli } from "./build-cli.ts";
import { buildWebIfChanged } from "./build-web.ts";

if (!process.argv.includes("--dev")) buildWebIfChanged();
await buildCli();
await import("../apps/server/src/main.ts");
