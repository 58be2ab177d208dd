/**
 * Boots the real stack for browser tests: a throwaway PostgreSQL and the production server
 * (Next dashboard + tRPC + Socket.IO) on a free port. Prints one READY line, stops on SIGTERM.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostPath } from "./env.ts";
import { startTestPostgres } from "../../libs/db/src/testing/test-postgres.ts";
import { createLogger, readEnv, startLocalAgent, startServer } from "@stratavore/server/testing";

const root = join(import.meta.dirname, "../..");
const adminPassword = "e2e-admin-password";
const dataDir = await mkdtemp(join(tmpdir(), "stratavore-e2e-"));
const pg = await startTestPostgres(join(root, "prisma"), "stratavore_e2e");
const env = readEnv([], {
  DATABASE_URL: pg.url,
  HOST: "127.0.0.1",
  PORT: "0",
  STRATAVORE_DATA_DIR: dataDir,
  STRATAVORE_ADMIN_PASSWORD: adminPassword,
  STRATAVORE_LOG_LEVEL: "warn",
  // The server's own Claude Code history (Settings → Import history), never the host's.
  CLAUDE_CONFIG_DIR: join(dataDir, "server-claude"),
});
const server = await startServer(env, createLogger("warn"), { web: true });
// A real agent process with the fake claude, like `npm start`'s local agent.
const workdir = join(dataDir, "checkout");
await mkdir(workdir, { recursive: true });
const agent = await startLocalAgent({
  repoRoot: root,
  dataDir,
  serverUrl: server.url,
  deps: server.deps,
  log: createLogger("warn"),
  // Every fake claude also reports usage on its own twice a second, like a busy session.
  env: { PATH: hostPath(), HOME: join(dataDir, "home"), FAKE_CLAUDE_USAGE_EVERY_MS: "500" },
  passEnv: ["FAKE_CLAUDE_USAGE_EVERY_MS"],
  claudeBin: join(root, "libs/runner/src/testing/fake-claude.mjs"),
});
process.stdout.write(
  `READY ${JSON.stringify({ url: server.url, adminEmail: env.adminEmail, adminPassword, databaseUrl: pg.url, workdir, claudeProjectsDir: env.claudeProjectsDir })}\n`,
);

const stop = async () => {
  await agent.stop().catch(() => undefined);
  await server.close().catch(() => undefined);
  await pg.stop().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// If the test runner dies without its teardown (killed, crashed), do not outlive it.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop();
}, 1000).unref();
