/**
 * What several benches start with: a throwaway PostgreSQL, the real server on it (no
 * dashboard, a heartbeat TTL long enough that the reconciler never judges during a run), a
 * direct database client and an admin caller of the API. `stop` takes all of it down.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCaller, hashPassword } from "@stratavore/api";
import { createDb, insertUser } from "@stratavore/db";
import { startTestPostgres } from "@stratavore/db/testing";
import { readEnv, startServer } from "@stratavore/server/testing";

export async function startBenchServer(name: string) {
  const pg = await startTestPostgres(join(import.meta.dirname, "../../prisma"), `bench_${name}`);
  const tmp = await mkdtemp(join(tmpdir(), "stratavore-bench-"));
  const env = readEnv([], {
    DATABASE_URL: pg.url,
    PORT: "0",
    STRATAVORE_DATA_DIR: tmp,
    STRATAVORE_SECRET: randomBytes(32).toString("base64url"),
    STRATAVORE_ADMIN_PASSWORD: "bench-admin-password",
  });
  const server = await startServer(env, () => {}, { web: false, fleet: { heartbeatTtlMs: 600_000 } });
  const db = createDb({ connectionString: pg.url, poolMax: 4 });
  const admin = await insertUser(db, {
    email: "bench@example.test",
    name: "bench",
    role: "admin",
    passwordHash: await hashPassword("bench-admin-password"),
  });
  const api = createCaller({
    ...server.deps,
    principal: { user: admin, via: "session", scopes: ["read", "write"] },
    ip: "127.0.0.1",
  });
  return {
    pg,
    server,
    db,
    api,
    stop: async () => {
      await server.close();
      await db.$disconnect();
      await pg.stop();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
