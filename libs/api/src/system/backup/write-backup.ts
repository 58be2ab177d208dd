import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { pack as tarPack } from "tar-stream";
import { dumpDatabase, type TableChunk } from "@stratavore/db";
import { sha256, type TranscriptStore } from "../../sessions/archive/transcript-store.ts";
import { BACKUP_FORMAT, MANIFEST_PATH, type BackupManifest } from "./backup-manifest.ts";

const isChunk = (x: object): x is TableChunk => "data" in x;

/**
 * Writes a backup to `path` (0600: it holds every transcript and password hash): a gzip'd tar
 * of `tables/<Table>/<part>.jsonl` (one consistent snapshot, see `dumpDatabase`), then
 * `transcripts/<key>` for every archived transcript the snapshot's sessions name, then
 * `manifest.json` with each file's size and SHA-256. Plain tar and JSON lines, so an operator
 * can inspect one with `tar tzf` and `zcat` without Stratavore.
 */
export async function writeBackup(opts: {
  databaseUrl: string;
  transcripts: TranscriptStore;
  serverVersion: string;
  path: string;
}): Promise<{ manifest: BackupManifest; bytes: number; sha256: string }> {
  const pack = tarPack();
  // The file's checksum and size are taken as it is written, not by reading it back.
  const fileHash = createHash("sha256");
  let fileBytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _enc, next) {
      fileHash.update(chunk);
      fileBytes += chunk.length;
      next(null, chunk);
    },
  });
  const done = pipeline(pack, createGzip(), measure, createWriteStream(opts.path, { mode: 0o600 }));
  // A write failure (a full disk) while we wait on the database must not be an unhandled rejection.
  done.catch(() => {});
  const mtime = new Date();
  const add = (name: string, data: Buffer) =>
    new Promise<{ path: string; bytes: number; sha256: string }>((resolve, reject) =>
      pack.entry({ name, size: data.length, mode: 0o600, mtime }, data, (err) =>
        err ? reject(err) : resolve({ path: name, bytes: data.length, sha256: sha256(data) }),
      ),
    );
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    formatVersion: 1,
    createdAt: mtime.toISOString(),
    serverVersion: opts.serverVersion,
    migrations: [],
    tables: {},
    transcripts: [],
    missingTranscripts: [],
  };
  try {
    const keys: string[] = [];
    for await (const item of dumpDatabase(opts.databaseUrl)) {
      if (!isChunk(item)) {
        manifest.migrations = item.migrations;
        for (const t of item.tables) manifest.tables[t] = { rows: 0, parts: [] };
        continue;
      }
      const table = (manifest.tables[item.table] ??= { rows: 0, parts: [] });
      const file = await add(`tables/${item.table}/${String(item.part).padStart(5, "0")}.jsonl`, item.data);
      table.parts.push({ ...file, rows: item.rows });
      table.rows += item.rows;
      if (item.table === "Session") keys.push(...transcriptKeys(item.data));
    }
    for (const key of keys) {
      const body = await opts.transcripts.get(key).catch((err: unknown) => {
        // Gone (retention, deleted by hand) is recorded; any other failure fails the backup.
        if (isMissing(err)) return null;
        throw err;
      });
      if (!body) manifest.missingTranscripts.push(key);
      else manifest.transcripts.push({ key, ...(await add(`transcripts/${key}`, body)) });
    }
    await add(MANIFEST_PATH, Buffer.from(JSON.stringify(manifest, null, 2)));
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await done.catch(() => {});
    throw err;
  }
  await done;
  return { manifest, bytes: fileBytes, sha256: fileHash.digest("hex") };
}

function transcriptKeys(lines: Buffer): string[] {
  return lines
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { transcriptKey?: string | null }).transcriptKey)
    .filter((k): k is string => typeof k === "string" && k.length > 0);
}

function isMissing(err: unknown): boolean {
  const e = err as { code?: string; name?: string };
  return e.code === "ENOENT" || e.name === "NoSuchKey" || e.name === "NotFound";
}
