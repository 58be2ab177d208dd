/**
 * `npm start` (after bootstrap): build the dashboard if its sources changed, the CLI and the
 * server bundle; package.json then runs the bundle on plain Node. `npm run dev` (--dev): the
 * CLI, then the server from its TypeScript sources in this process, the dashboard in dev mode.
 */
import { stop as stopEsbuild } from "esbuild";
import { buildCli } from "./build-cli.ts";
import { buildServer } from "./build-server.ts";
import { buildWebIfChanged } from "./build-web.ts";

const dev = process.argv.includes("--dev");
if (!dev) buildWebIfChanged();
await buildCli();
if (!dev) await buildServer();
// esbuild keeps its service process (~60–100 MB) alive for later builds; none follow.
await stopEsbuild();
if (dev) await import("../apps/server/src/main.ts");
