import { readEnv } from "../env.ts";
import { startServer } from "../server.ts";
import { testFleetOverrides, testLogsMemory, testServesDashboard } from "./env.ts";

/**
 * The server as its own process (with the built dashboard when `STRATAVORE_TEST_WEB=true`),
 * for tests that kill -9 it and start it again. Configured like `npm start` from the environment; `STRATAVORE_TEST_FLEET` (JSON)
 * overrides fleet timings. Prints `listening <url>` once ready.
 */
const env = readEnv();
const log = (level: string, msg: string, meta?: Record<string, unknown>) =>
  level !== "info" && process.stderr.write(`${JSON.stringify({ level, msg, ...meta })}\n`);
const server = await startServer(env, log, { web: testServesDashboard(), fleet: testFleetOverrides() });
process.stdout.write(`listening ${server.url}\n`);
// Benches read where the memory is (heap, WASM and buffers outside it) from these lines.
if (testLogsMemory())
  setInterval(() => process.stdout.write(`memory ${JSON.stringify(process.memoryUsage())}\n`), 2000).unref();
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
