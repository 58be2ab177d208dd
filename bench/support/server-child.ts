/**
 * The server as its own process (apps/server/src/testing/server-process.ts, bundled and run as
 * `npm start` runs its server: plain Node with the same flags), for benches that measure the
 * server's own RSS and CPU rather than the bench's. The bench talks to it over HTTP with an admin API token, as the
 * CLI does, and reads the database directly.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilesystemStore } from "@stratavore/api";
import { createApiClient } from "@stratavore/api-client";
import { createDb } from "@stratavore/db";
import { freePortForTests } from "@stratavore/db/testing";
import { hostPath, localAdminCaller } from "@stratavore/server/testing";
import { buildServer, SERVER_ENV, SERVER_NODE_FLAGS, SERVER_PROCESS_BUNDLE } from "../../scripts/build-server.ts";

export async function startServerChild(
  databaseUrl: string,
  opts: { fleet?: Record<string, number>; nodeFlags?: string[]; cwd?: string; web?: boolean } = {},
) {
  const tmp = await mkdtemp(join(tmpdir(), "stratavore-bench-server-"));
  const secret = randomBytes(32).toString("base64url");
  const port = await freePortForTests();
  await buildServer({ benchEntry: true });
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...(opts.nodeFlags ?? []), SERVER_PROCESS_BUNDLE], {
    stdio: ["ignore", "pipe", "inherit"],
    cwd: opts.cwd,
    env: {
      PATH: hostPath(),
      HOME: tmp,
      DATABASE_URL: databaseUrl,
      HOST: "127.0.0.1",
      PORT: String(port),
      STRATAVORE_SECRET: secret,
      STRATAVORE_DATA_DIR: join(tmp, "data"),
      STRATAVORE_ADMIN_EMAIL: "bench-admin@example.test",
      STRATAVORE_ADMIN_PASSWORD: "bench-admin-password",
      STRATAVORE_LOG_LEVEL: "warn",
      STRATAVORE_TEST_FLEET: JSON.stringify(opts.fleet ?? {}),
      STRATAVORE_TEST_MEMORY_LOG: "true",
      STRATAVORE_TEST_WEB: opts.web ? "true" : "false",
      NEXT_TELEMETRY_DISABLED: "1",
      ...SERVER_ENV,
    } as unknown as NodeJS.ProcessEnv,
  });
  await new Promise<void>((ok, fail) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && ok());
    child.once("exit", (code) => fail(new Error(`server exited ${code}`)));
  });
  let memory: NodeJS.MemoryUsage | null = null;
  child.stdout!.on("data", (d: Buffer) => {
    const line = /memory (\{.*\})/.exec(d.toString())?.[1];
    if (line) memory = JSON.parse(line) as NodeJS.MemoryUsage;
  });
  const url = `http://127.0.0.1:${port}`;
  const db = createDb({ connectionString: databaseUrl, poolMax: 2 });
  const local = await localAdminCaller(db, secret, new FilesystemStore(join(tmp, "unused")), "bench");
  const { secret: token } = await local.apiTokens.create({ name: "bench", scopes: ["read", "write"] });
  return {
    url,
    admin: { email: "bench-admin@example.test", password: "bench-admin-password" },
    pid: child.pid!,
    token,
    db,
    api: createApiClient({ serverUrl: url, token }),
    /** The server's last reported process.memoryUsage() (every 2 s). */
    memory: () => memory,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      await db.$disconnect();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
