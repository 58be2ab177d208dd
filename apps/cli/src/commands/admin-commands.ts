import type { Command } from "commander";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CliError } from "../cli-error.ts";
import { print, printJson } from "../io.ts";
import type { CliContext } from "../options.ts";
import { plainRequest } from "../plain-http.ts";
import { connect, resolveConnection } from "../session.ts";
import { formatDate, table } from "../output.ts";

/**
 * `stratavore admin backup`: downloads a backup of the server (database and transcripts; admins
 * only) to a file, mode 0600, written under a temporary name and renamed only once its length
 * and SHA-256 match what the server announced — a cut-off download never looks like a backup.
 * Restoring is done on the server's machine: `npm run restore -- <file>` (docs/OPERATIONS.md).
 */
export function registerAdminCommands(program: Command, { env, io }: CliContext): void {
  const admin = program.command("admin").description("server administration (admins only)");
  admin
    .command("backup")
    .description("download a backup of the database and the transcript archive")
    .option("-o, --output <file>", "where to write it (default: the server's file name, here)")
    .option("--json", "print JSON")
    .action(async (opts: { output?: string; json?: boolean }) => {
      const conn = await resolveConnection(env);
      const t0 = Date.now();
      const res = await plainRequest(conn, "/api/admin/backup");
      const announced = res.headers.get("x-stratavore-backup-sha256") ?? "";
      const length = Number(res.headers.get("content-length") ?? NaN);
      const named = /filename="([^"/\\]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1];
      const out = opts.output ?? named ?? "stratavore-backup.tar.gz";
      const hash = createHash("sha256");
      let bytes = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      const part = `${out}.part`;
      try {
        await pipeline(Readable.fromWeb(res.body as never), count, createWriteStream(part, { mode: 0o600 }));
        const sha256 = hash.digest("hex");
        if (bytes !== length || sha256 !== announced)
          throw new CliError(
            "BACKUP_INVALID",
            `The download was damaged (${bytes} of ${length} bytes, checksum ${sha256 === announced ? "ok" : "differs"}); nothing was written.`,
          );
        await rename(part, out);
        const result = { file: out, bytes, sha256, seconds: (Date.now() - t0) / 1000 };
        if (opts.json) return printJson(io, result);
        print(
          io,
          `Backup written to ${out} (${(bytes / 1024 / 1024).toFixed(1)} MB, sha256 ${sha256.slice(0, 16)}…, ${result.seconds.toFixed(1)} s).`,
        );
      } finally {
        await rm(part, { force: true });
      }
    });

  admin
    .command("instances")
    .description("the server instances sharing this database: which leads, which holds which agents")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const api = await connect(env);
      const o = await api.system.instances.query();
      if (opts.json) return printJson(io, o);
      print(
        io,
        [
          `Cluster mode: ${o.mode}`,
          table(
            ["INSTANCE", "HOST", "PID", "URL", "STATE", "AGENTS", "LAST BEAT"],
            o.instances.map((i) => [
              `${i.id.slice(0, 8)}${i.current ? " (this)" : ""}`,
              i.hostname,
              String(i.pid),
              i.url,
              i.alive ? (i.leader ? "leader" : "alive") : "silent",
              String(i.agents),
              formatDate(i.beatAt),
            ]),
          ),
        ].join("\n"),
      );
    });
}
