import { join } from "node:path";
import { AppError } from "@stratavore/contracts";
import {
  applyMigrations,
  assertEmptyDatabase,
  listMigrationDirs,
  loadDatabase,
  readAppliedMigrations,
} from "@stratavore/db";
import type { TranscriptStore } from "../../sessions/archive/transcript-store.ts";
import { archiveEntries, verifyBackup } from "./read-backup.ts";

export interface RestoreSummary {
  rows: Record<string, number>;
  transcripts: number;
  /** Migrations newer than the backup, applied after its rows were loaded (an upgrade). */
  upgradedBy: string[];
}

type BackupManifest = Awaited<ReturnType<typeof verifyBackup>>;

/**
 * What can be known of a backup without a target: the archive whole (every file against the
 * manifest, BACKUP_INVALID otherwise) and made by this version or an older one (BACKUP_SCHEMA).
 * `npm run restore` asks before it creates or starts anything.
 */
export async function checkBackup(path: string, prismaDir: string): Promise<BackupManifest> {
  const manifest = await verifyBackup(path);
  const known = await listMigrationDirs(join(prismaDir, "migrations"));
  const unknown = manifest.migrations.filter((m) => !known.includes(m));
  if (unknown.length)
    throw new AppError(
      "BACKUP_SCHEMA",
      `The backup was made by a newer Stratavore (migration ${unknown[0]} is unknown here): restore it with that version.`,
    );
  return manifest;
}

/**
 * Restores a backup into an empty database: check the archive whole and the target empty, put
 * the transcripts back in the store, build the schema the backup was taken at, load every row
 * in one transaction, then apply any newer migrations — so a backup from an older version restores into this
 * one exactly as an upgrade in place would.
 */
export async function restoreBackup(opts: {
  path: string;
  databaseUrl: string;
  prismaDir: string;
  transcripts: TranscriptStore;
  /** checkBackup's answer when the caller checked the archive before opening the target. */
  checked?: BackupManifest;
}): Promise<RestoreSummary> {
  const manifest = opts.checked ?? (await checkBackup(opts.path, opts.prismaDir));
  const last = manifest.migrations.at(-1);
  const applied = await readAppliedMigrations(opts.databaseUrl);
  if (applied.some((m) => !manifest.migrations.includes(m)))
    throw new AppError(
      "BACKUP_SCHEMA",
      "The target database's schema is newer than the backup's: restore into a new data directory or an empty database.",
    );
  // Nothing is changed in a database that holds rows, not even its schema.
  await assertEmptyDatabase(opts.databaseUrl);
  // Transcripts first (a put is idempotent): if one fails, the database is still empty and the
  // restore can simply be run again.
  const byPath = new Map(manifest.transcripts.map((t) => [t.path, t.key]));
  let transcripts = 0;
  for await (const { name, data } of archiveEntries(opts.path)) {
    const key = byPath.get(name);
    if (key === undefined) continue;
    await opts.transcripts.put(key, data);
    transcripts++;
  }
  if (last) await applyMigrations(opts.databaseUrl, { prismaDir: opts.prismaDir, upTo: last });

  async function* tableChunks() {
    for await (const { name, data } of archiveEntries(opts.path)) {
      const table = /^tables\/([^/]+)\/\d+\.jsonl$/.exec(name)?.[1];
      if (table) yield { table, data };
    }
  }
  const rows = await loadDatabase(opts.databaseUrl, tableChunks());
  const upgradedBy = await applyMigrations(opts.databaseUrl, { prismaDir: opts.prismaDir });
  return { rows, transcripts, upgradedBy };
}
