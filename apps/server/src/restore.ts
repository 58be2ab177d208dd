import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { AppError } from "@stratavore/contracts";
import { checkBackup, restoreBackup } from "@stratavore/api";
import { openDatabase, openTranscriptStore } from "./database.ts";
import { readEnv } from "./env.ts";
import { createLogger } from "./logger.ts";

/**
 * `npm run restore -- <backup.tar.gz>`: restores a backup (`stratavore admin backup`) into
 * this machine's database — the embedded one under STRATAVORE_DATA_DIR, or DATABASE_URL — which
 * must be empty. The server must not be running on that data directory. Offline by design: it
 * replaces a whole database, so it is an operator's act on the server's machine, not an API call.
 */
async function main(): Promise<number> {
  const file = process.argv.slice(2).find((a) => !a.startsWith("-"));
  if (!file) {
    process.stderr.write(
      "usage: npm run restore -- <backup.tar.gz>   (into an empty STRATAVORE_DATA_DIR or DATABASE_URL)\n",
    );
    return 2;
  }
  if (!existsSync(file)) {
    process.stderr.write(`stratavore restore: no such file: ${file}\n`);
    return 2;
  }
  const env = readEnv();
  const log = createLogger(env.logLevel);
  const t0 = Date.now();
  // A cut-off or too new archive is refused before a data directory is made or a database started.
  const checked = await checkBackup(resolve(file), env.prismaDir).catch((err: unknown) => {
    if (!(err instanceof AppError)) throw err;
    process.stderr.write(`stratavore restore: ${err.code}: ${err.message}\n`);
    return null;
  });
  if (!checked) return 1;
  const database = await openDatabase(env, log, { migrate: false });
  try {
    const summary = await restoreBackup({
      path: resolve(file),
      databaseUrl: database.url,
      prismaDir: env.prismaDir,
      transcripts: openTranscriptStore(env),
      checked,
    });
    const rows = Object.entries(summary.rows).filter(([, n]) => n > 0);
    const lines = [
      `Restored ${file} in ${((Date.now() - t0) / 1000).toFixed(1)} s into ${database.embedded ? env.dataDir : "DATABASE_URL"}:`,
      ...rows.map(([t, n]) => `  ${t.padEnd(18)} ${n} rows`),
      `  transcripts        ${summary.transcripts} files`,
    ];
    if (summary.upgradedBy.length) lines.push(`  then upgraded by ${summary.upgradedBy.length} newer migrations`);
    lines.push("Start the server (npm start) with this data directory and the original STRATAVORE_SECRET.");
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    process.stderr.write(`stratavore restore: ${err.code}: ${err.message}\n`);
    return 1;
  } finally {
    await database.embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`stratavore restore: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
