import { z } from "zod";

export const BACKUP_FORMAT = "stratavore-backup";
export const MANIFEST_PATH = "manifest.json";

const file = z.object({
  path: z.string().regex(/^(tables|transcripts)\/[A-Za-z0-9._/-]+$/),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * The last entry of a backup archive: what it holds and each file's checksum. Last, because the
 * archive is written in one pass and the figures are known only at the end; a restore reads the
 * archive once to check every file against it before it changes anything.
 */
export const backupManifest = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(1),
  createdAt: z.string(),
  serverVersion: z.string(),
  migrations: z.array(z.string()),
  tables: z.record(
    z.string(),
    z.object({ rows: z.number().int().nonnegative(), parts: z.array(file.extend({ rows: z.number().int() })) }),
  ),
  transcripts: z.array(file.extend({ key: z.string() })),
  /** Keys a session names whose object the store no longer had (retention, manual deletion). */
  missingTranscripts: z.array(z.string()),
});
export type BackupManifest = z.infer<typeof backupManifest>;
