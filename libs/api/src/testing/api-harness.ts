import { TRPCError } from "@trpc/server";
import { AppError, type Role, type TokenScope } from "@stratavore/contracts";
import { randomUUID } from "node:crypto";
import { createDb, insertNode, insertRunner, insertUser, type Db } from "@stratavore/db";
import { uniqueEmail, uniqueSlug } from "@stratavore/db/testing";
import { hashPassword } from "../auth/passwords.ts";
import type { Principal } from "../auth/principal.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FilesystemStore } from "../sessions/archive/transcript-store.ts";
import { Fleet } from "../fleet/fleet.ts";
import { AccessWatch } from "../auth/access-watch.ts";
import { MemoryBus } from "../realtime/bus.ts";
import { ApiMetrics } from "../metrics/api-metrics.ts";
import { createCaller } from "../app/app-router.ts";
import type { ApiDeps } from "../deps.ts";

export const TEST_PASSWORD = "correct horse battery";

/** Real database, real router, in-process callers for any role (DESIGN.md §9 rule 10). */
export function createHarness(databaseUrl: string) {
  const db: Db = createDb({ connectionString: databaseUrl, poolMax: 5 });
  const bus = new MemoryBus();
  const deps: ApiDeps = {
    db,
    bus,
    access: new AccessWatch(),
    config: {
      authSecret: "test-secret-test-secret-test-secret!!",
      auditKey: "audit-key",
      channelKey: "channel-key",
      publicUrl: "http://localhost:3000",
      sessionMaxAgeSeconds: 3600,
      version: "test",
      secureCookies: false,
      claudeProjectsDir: "/nonexistent",
    },
    log: () => {},
    fleet: new Fleet(),
    metrics: new ApiMetrics("test"),
    transcripts: new FilesystemStore(join(tmpdir(), `stratavore-transcripts-${process.pid}`)),
  };
  let hash: Promise<string> | undefined;

  async function createUser(role: Role, email = uniqueEmail(role)) {
    hash ??= hashPassword(TEST_PASSWORD);
    return insertUser(db, { email, name: `${role} tester`, role, passwordHash: await hash });
  }

  function caller(principal: Principal | null) {
    return createCaller({ ...deps, principal, ip: "127.0.0.1" });
  }

  async function as(role: Role, scopes: TokenScope[] = ["read", "write"], via: Principal["via"] = "session") {
    const user = await createUser(role);
    return { user, api: caller({ user, via, scopes }) };
  }

  /** A node row (its agent is not connected unless the test attaches one). */
  function node(opts: { capacity?: number; labels?: string[] } = {}) {
    return insertNode(db, {
      name: uniqueSlug("n"),
      hostname: "h",
      agentVersion: "t",
      claudeVersion: null,
      capacity: opts.capacity ?? 2,
      labels: opts.labels ?? [],
      credentialHash: randomUUID(),
    });
  }

  /** A runner row, running on `nodeId` (in `sessionId` when given). */
  function runningRunner(projectId: string, nodeId: string, sessionId?: string) {
    return insertRunner(db, {
      projectId,
      nodeId,
      status: "running",
      conversationMode: "new",
      sessionId: sessionId ?? null,
      flags: [],
      labels: [],
    });
  }

  return {
    db,
    bus,
    deps,
    createUser,
    caller,
    as,
    node,
    runningRunner,
    anonymous: () => caller(null),
    close: () => db.$disconnect(),
  };
}

/** The app error code a failed call carried (after the one translation middleware). */
export async function errorCodeOf(promise: Promise<unknown>): Promise<{ trpc: string; app: string } | null> {
  try {
    await promise;
    return null;
  } catch (err) {
    if (err instanceof TRPCError) return { trpc: err.code, app: err.cause instanceof AppError ? err.cause.code : "?" };
    throw err;
  }
}
