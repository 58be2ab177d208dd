import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { extract as tarExtract } from "tar-stream";
import { AppError } from "@stratavore/contracts";
import { sha256 } from "../../sessions/archive/transcript-store.ts";
import { backupManifest, MANIFEST_PATH, type BackupManifest } from "./backup-manifest.ts";

/** Each file of a backup archive, whole (a table part is a few MB; a transcript is one file). */
export async function* archiveEntries(path: string): AsyncGenerator<{ name: string; data: Buffer }> {
  const extract = tarExtract();
  // Every stage's error ends the iteration (a missing file, a cut-off gzip), none goes uncaught.
  const file = createReadStream(path);
  const gunzip = createGunzip();
  file.on("error", (err) => extract.destroy(err));
  gunzip.on("error", (err) => extract.destroy(err));
  file.pipe(gunzip).pipe(extract);
  for await (const entry of extract) {
    const parts: Buffer[] = [];
    for await (const chunk of entry) parts.push(chunk as Buffer);
    yield { name: entry.header.name, data: Buffer.concat(parts) };
  }
}

const corrupt = (why: string) => new AppError("BACKUP_INVALID", `This is not an intact Stratavore backup: ${why}.`);

/**
 * Reads the whole archive once and checks it against its manifest (the last entry): every
 * file listed is there with its size and SHA-256, nothing unlisted is. A restore runs this
 * before it touches the database, so a truncated or altered backup changes nothing.
 */
export async function verifyBackup(path: string): Promise<BackupManifest> {
  const seen = new Map<string, { bytes: number; sha256: string }>();
  let manifest: BackupManifest | null = null;
  try {
    for await (const { name, data } of archiveEntries(path)) {
      if (manifest) throw corrupt(`${name} follows the manifest`);
      if (name === MANIFEST_PATH) {
        const parsed = backupManifest.safeParse(JSON.parse(data.toString("utf8")));
        if (!parsed.success) throw corrupt("its manifest is not one this version reads");
        manifest = parsed.data;
      } else seen.set(name, { bytes: data.length, sha256: sha256(data) });
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw corrupt(`the archive cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!manifest) throw corrupt("it has no manifest (was it cut short?)");
  const listed = [...Object.values(manifest.tables).flatMap((t) => t.parts), ...manifest.transcripts];
  for (const t of manifest.transcripts)
    if (t.path !== `transcripts/${t.key}`) throw corrupt(`transcript ${t.key} is not at its own path`);
  for (const f of listed) {
    const got = seen.get(f.path);
    if (!got) throw corrupt(`${f.path} is missing`);
    if (got.bytes !== f.bytes || got.sha256 !== f.sha256) throw corrupt(`${f.path} does not match its checksum`);
    seen.delete(f.path);
  }
  if (seen.size)
    throw corrupt(`it holds files its manifest does not list (${[...seen.keys()].slice(0, 3).join(", ")})`);
  return manifest;
}
