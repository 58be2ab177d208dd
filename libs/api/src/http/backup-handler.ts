import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { AppError, roleAtLeast } from "@stratavore/contracts";
import { bearerFrom, resolvePrincipal } from "../auth/resolve-principal.ts";
import { isSameOrigin } from "../auth/same-origin.ts";
import type { ApiDeps } from "../deps.ts";
import { inTransaction } from "../shared/transaction.ts";
import { audit } from "../shared/audit.ts";
import { writeBackup } from "../system/backup/write-backup.ts";
import { replyError } from "./plain-reply.ts";

export const BACKUP_PATH = "/api/admin/backup";

/**
 * `GET /api/admin/backup` (admins; an API token, or the dashboard's cookie from our own origin):
 * the whole backup, made to a scratch file
 * first so a failure is a coded error rather than a cut-off download, then sent with its
 * length and SHA-256 (`x-stratavore-backup-sha256`) for the client to check. One at a time.
 */
export function createBackupHandler(deps: ApiDeps, opts: { databaseUrl: string; scratchDir: string }) {
  let busy = false;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = join(opts.scratchDir, `backup-${randomUUID()}.tar.gz`);
    let mine = false;
    try {
      if (req.method !== "GET") throw new AppError("VALIDATION", "GET the backup.");
      const principal = await resolvePrincipal(deps.db, deps.config.authSecret, {
        cookieHeader: req.headers.cookie,
        bearer: bearerFrom(req.headers.authorization),
      });
      if (!principal) throw new AppError("UNAUTHENTICATED", "Sign in or send an API token (Authorization: Bearer …).");
      // A cookie rides along with a navigation from any site: another site's link (or image)
      // must not make a signed-in admin's browser dump the database (the attacker review).
      if (principal.via === "session" && !isSameOrigin(req.headers, deps.config.allowedOrigins))
        throw new AppError("CROSS_SITE", "A backup is taken from this server's own pages or with an API token.");
      if (!roleAtLeast(principal.user.role, "admin")) throw new AppError("FORBIDDEN", "Only admins can take backups.");
      // It holds every password and token hash: not for a read-only token (monitoring, reports).
      if (!principal.scopes.includes("read") || !principal.scopes.includes("write"))
        throw new AppError(
          "TOKEN_SCOPE",
          "A backup holds every password and token hash: it takes an admin token with the read and write scopes.",
        );
      if (busy) throw new AppError("BACKUP_IN_PROGRESS", "A backup is already being made; try again when it is done.");
      busy = mine = true;
      await mkdir(opts.scratchDir, { recursive: true, mode: 0o700 });
      const t0 = Date.now();
      const {
        manifest,
        bytes: size,
        sha256,
      } = await writeBackup({
        databaseUrl: opts.databaseUrl,
        transcripts: deps.transcripts,
        serverVersion: deps.config.version,
        path,
      });
      const rows = Object.fromEntries(Object.entries(manifest.tables).map(([t, v]) => [t, v.rows]));
      await inTransaction(deps.db, deps.bus, (tx) =>
        audit(tx, deps.config.auditKey, principal, {
          type: "system.backup",
          entityType: "system",
          data: { bytes: size, rows, transcripts: manifest.transcripts.length, ms: Date.now() - t0 },
        }),
      );
      res.writeHead(200, {
        "content-type": "application/gzip",
        "content-length": String(size),
        "content-disposition": `attachment; filename="stratavore-backup-${manifest.createdAt.replace(/[:.]/g, "-")}.tar.gz"`,
        "cache-control": "no-store",
        "x-stratavore-backup-sha256": sha256,
      });
      await pipeline(createReadStream(path), res);
    } catch (err) {
      replyError(res, err, (msg, error) => deps.log("error", `backup: ${msg}`, { error }));
    } finally {
      if (mine) {
        busy = false;
        await rm(path, { force: true });
      }
    }
  };
}
