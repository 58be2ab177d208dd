/**
 * bench/backup: how long a backup and a restore take, for the RPO/RTO in docs/OPERATIONS.md.
 * Fills a database with a ledger and a transcript archive of the given size (SQL
 * generate_series), takes a backup (`writeBackup`, what `stratavore admin backup` runs), and
 * restores it into an empty database (`restoreBackup`, what `npm run restore` runs). The
 * baseline, measured in the same run, is reading every row as JSON through a cursor and
 * discarding it — the least any logical backup must do.
 *   node --import tsx bench/backup.ts [--usage 300000] [--entries 100000] [--sessions 300]
 */
import { statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { FilesystemStore, restoreBackup } from "@stratavore/api";
import { dumpDatabase } from "@stratavore/db";
import { createScratchDatabase, startTestPostgres } from "@stratavore/db/testing";
import { writeBackup } from "../libs/api/src/system/backup/write-backup.ts";

const { values } = parseArgs({
  options: {
    usage: { type: "string", default: "300000" },
    entries: { type: "string", default: "100000" },
    sessions: { type: "string", default: "300" },
  },
});
const prismaDir = join(import.meta.dirname, "../prisma");
const pgServer = await startTestPostgres(prismaDir, "bench_backup_src");
const tmp = await mkdtemp(join(tmpdir(), "stratavore-bench-backup-"));
const MB = 1_048_576;
const seconds = (t0: number) => (performance.now() - t0) / 1000;

try {
  const src = new pg.Client({ connectionString: pgServer.url });
  await src.connect();
  let t0 = performance.now();
  await src.query(
    `INSERT INTO "Project" (id, name, path, "updatedAt") VALUES ('00000000-0000-4000-8000-000000000001', 'bench', '/srv/bench', now())`,
  );
  await src.query(
    `INSERT INTO "Session" (id, "projectId", title, "updatedAt")
     SELECT md5(i::text)::uuid::text, '00000000-0000-4000-8000-000000000001', 'session ' || i, now() FROM generate_series(1, $1) i`,
    [Number(values.sessions)],
  );
  await src.query(
    `INSERT INTO "UsageRecord" ("usageKey", "messageId", "sessionId", "projectId", model, "inputTokens", "outputTokens",
        "cacheReadTokens", "totalTokens", "costUsd", "occurredAt")
     SELECT 'msg_' || i, 'msg_' || i, md5((i % $2 + 1)::text)::uuid::text, '00000000-0000-4000-8000-000000000001',
        'claude-sonnet-4-5', i % 900, i % 400, i % 5000, i % 900 + i % 400 + i % 5000, (i % 1000) / 100000.0,
        now() - (i || ' seconds')::interval
       FROM generate_series(1, $1) i`,
    [Number(values.usage), Number(values.sessions)],
  );
  await src.query(
    `INSERT INTO "TranscriptEntry" ("sessionId", uuid, type, role, text, "toolNames", "rawLine", "offset")
     SELECT md5((i % $2 + 1)::text)::uuid::text, md5('e' || i), 'assistant', 'assistant', repeat('lorem ipsum ', 40), '{}',
        '{"type":"assistant","message":{"content":"' || repeat('lorem ipsum ', 40) || '"}}', i
       FROM generate_series(1, $1) i`,
    [Number(values.entries), Number(values.sessions)],
  );
  const { rows } = await src.query<{ bytes: string }>("SELECT pg_database_size(current_database()) AS bytes");
  const dbMb = Number(rows[0]!.bytes) / MB;
  await src.end();
  console.log(
    `data: ${values.usage} usage rows, ${values.entries} transcript entries, ${values.sessions} sessions; database ${dbMb.toFixed(0)} MB (filled in ${seconds(t0).toFixed(1)} s)`,
  );

  t0 = performance.now();
  let baselineRows = 0;
  for await (const item of dumpDatabase(pgServer.url)) if ("rows" in item) baselineRows += item.rows;
  const baseline = seconds(t0);

  const store = new FilesystemStore(join(tmp, "transcripts"));
  const file = join(tmp, "backup.tar.gz");
  t0 = performance.now();
  const { manifest } = await writeBackup({
    databaseUrl: pgServer.url,
    transcripts: store,
    serverVersion: "bench",
    path: file,
  });
  const backup = seconds(t0);
  const archiveMb = statSync(file).size / MB;
  const backedUp = Object.values(manifest.tables).reduce((a, t) => a + t.rows, 0);

  const target = await createScratchDatabase(pgServer.adminUrl, "bench_backup_dst");
  t0 = performance.now();
  const restored = await restoreBackup({
    path: file,
    databaseUrl: target,
    prismaDir,
    transcripts: new FilesystemStore(join(tmp, "restored")),
  });
  const restore = seconds(t0);
  const restoredRows = Object.values(restored.rows).reduce((a, n) => a + n, 0);

  console.log(`baseline (read every row as JSON, discard): ${baseline.toFixed(1)} s, ${baselineRows} rows`);
  console.log(
    `backup:  ${backup.toFixed(1)} s, ${backedUp} rows, archive ${archiveMb.toFixed(1)} MB (${(dbMb / archiveMb).toFixed(1)}× smaller than the database), ${(backup / baseline).toFixed(2)}× the baseline`,
  );
  console.log(
    `restore: ${restore.toFixed(1)} s (verify + schema + load + indexes), ${restoredRows} rows, ${(restoredRows / restore).toFixed(0)} rows/s, ${(restore / backup).toFixed(2)}× the backup`,
  );
  if (restoredRows !== backedUp) throw new Error(`restored ${restoredRows} rows of ${backedUp}`);
} finally {
  await pgServer.stop();
  await rm(tmp, { recursive: true, force: true });
}
