import {
  AccessWatch,
  ApiMetrics,
  createCaller,
  Fleet,
  hashPassword,
  MemoryBus,
  type Context,
  type TranscriptStore,
} from "@stratavore/api";
import { insertUser, type Db } from "@stratavore/db";
import { uniqueEmail } from "@stratavore/db/testing";
import { deriveKey } from "../secrets.ts";

/**
 * The API called in the test's own process against the database a server uses — to mint users,
 * API tokens and join tokens for tests that drive that server from outside (or kill it). Same
 * secret, so what it mints the server accepts; its fleet and bus are its own.
 */
export function localContext(db: Db, secret: string, transcripts: TranscriptStore): Omit<Context, "principal"> {
  return {
    db,
    bus: new MemoryBus(),
    metrics: new ApiMetrics("test"),
    config: {
      authSecret: secret,
      auditKey: deriveKey(secret, "audit"),
      channelKey: deriveKey(secret, "channels"),
      publicUrl: "http://localhost",
      sessionMaxAgeSeconds: 3600,
      version: "test",
      secureCookies: false,
      claudeProjectsDir: "/nonexistent",
    },
    log: () => undefined,
    ip: "127.0.0.1",
    fleet: new Fleet(),
    access: new AccessWatch(),
    transcripts,
  };
}

/** A new admin and a caller acting as them (see `localContext`). */
export async function localAdminCaller(db: Db, secret: string, transcripts: TranscriptStore, label: string) {
  const user = await insertUser(db, {
    email: uniqueEmail(label),
    name: label,
    role: "admin",
    passwordHash: await hashPassword(`${label}-admin-password`),
  });
  return createCaller({
    ...localContext(db, secret, transcripts),
    principal: { user, via: "session", scopes: ["read", "write"] },
  });
}
