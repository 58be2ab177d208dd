/**
 * bench/parse: our transcript parser and our import, side by side with ccusage, on a generated
 * hostile corpus (bench/corpus: streaming snapshots, resumed and forked sessions, sidechain
 * replays under new request ids, sub-agent files, 1 h cache writes, unknown models, malformed
 * and truncated lines). Prints three token totals — the corpus's own reference counter (a
 * separate, simple program), our parser, ccusage — which must be identical, the speed of each
 * as a ratio to ccusage measured in the same run, and the server's RSS during the import.
 * ccusage 17.2.1 (its last JavaScript release) is timed beside it, for speed only.
 * The import is measured both ways users run it, against `npm start`'s bundled server in a
 * process of its own (bench/corpus/bundled-import.ts): Settings → Import history (the server
 * reads the files) and `stratavore import` (the CLI sends them).
 *   node --import tsx bench/parse.ts [--mb 200] [--seed 1] [--dir /tmp/corpus] [--no-import] [--no-floor]
 */
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createDb, poolOf } from "@stratavore/db";
import { startTestPostgres } from "@stratavore/db/testing";
import { ParsePool, parseSessionFiles, scanHistory } from "@stratavore/runner";
import { generateCorpus } from "./corpus/generate-corpus.ts";
import { referenceCount } from "./corpus/reference-count.ts";
import { ccusageTotals, runCcusage } from "./corpus/run-ccusage.ts";
import { measureBundledImport, type BundledImportFigures } from "./corpus/bundled-import.ts";
import { nodeFloor } from "./corpus/node-floor.ts";

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "200" },
    seed: { type: "string", default: "1" },
    dir: { type: "string" },
    "no-import": { type: "boolean", default: false },
    "no-floor": { type: "boolean", default: false },
  },
});
const dir = values.dir ?? join(tmpdir(), `stratavore-corpus-${values.mb}mb-s${values.seed}`);
const projects = join(dir, "projects");
const MB = 1_048_576;
const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const result = await work();
  return [result, performance.now() - t0];
};

if (!existsSync(join(dir, "manifest.json"))) {
  const [manifest, ms] = await timed(() =>
    generateCorpus({ dir, targetBytes: Number(values.mb) * MB, seed: Number(values.seed) }),
  );
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  console.log(`corpus: generated ${(manifest.totalBytes / MB).toFixed(1)} MB in ${(ms / 1000).toFixed(1)} s → ${dir}`);
}
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { totalBytes: number };
console.log(`corpus: ${(manifest.totalBytes / MB).toFixed(1)} MB, seed ${values.seed}`);

/**
 * The least any import that keeps the transcripts must do: store every line, as text, in an
 * unindexed one-column table, through COPY (as the archive does). No parsing, no ledger, no
 * search index. If this alone is slower than ccusage, so is every archiving import.
 */
async function postgresFloor(db: ReturnType<typeof createDb>, root: string): Promise<number> {
  const { readdir, readFile } = await import("node:fs/promises");
  const files = (await readdir(root, { recursive: true }))
    .filter((f) => f.endsWith(".jsonl"))
    .map((f) => join(root, f));
  await db.$executeRawUnsafe(`CREATE TABLE bench_floor (line text NOT NULL)`);
  const t0 = performance.now();
  const client = await poolOf(db).connect();
  try {
    const copy = client.query(copyFrom("COPY bench_floor (line) FROM STDIN"));
    for (const f of files) {
      let chunk = "";
      // PostgreSQL text cannot hold NUL (the archive stores U+FFFD for it too); COPY escapes.
      for (const line of (await readFile(f, "utf8")).split("\n")) {
        if (!line) continue;
        chunk += `${line.replaceAll("\u0000", "\uFFFD").replace(/[\\\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\r" ? "\\r" : "\\t"))}\n`;
        if (chunk.length > 65_536) {
          const more = copy.write(chunk);
          chunk = "";
          if (!more) await once(copy, "drain");
        }
      }
      if (chunk && !copy.write(chunk)) await once(copy, "drain");
    }
    copy.end();
    await finished(copy);
  } finally {
    client.release();
  }
  return performance.now() - t0;
}

// ccusage twice (the first run warms the page cache for everyone), the second one counts.
await runCcusage(dir);
const { ms: ccusageMs, daily } = await runCcusage(dir);
const cc = ccusageTotals(daily);
await runCcusage(dir, "js");
const { ms: ccusageJsMs, daily: dailyJs } = await runCcusage(dir, "js");
const ccJs = ccusageTotals(dailyJs);
const [ref, refMs] = await timed(() => referenceCount(projects));

/** Our parser alone: every session of the history folder, as `stratavore import` parses it. */
type Counts = [number, number, number, number, number];
const [kept, parserMs] = await timed(async () => {
  // The ledger's unique key across sessions (a fork repeats its parent's responses): larger total wins.
  const byId = new Map<string, Counts>();
  for await (const s of scanHistory(projects)) {
    for (const r of (await parseSessionFiles(s.files, s.sessionId)).records) {
      const c: Counts = [r.inputTokens, r.outputTokens, r.cacheWrite5mTokens, r.cacheWrite1hTokens, r.cacheReadTokens];
      const old = byId.get(r.messageId);
      if (!old || c.reduce((a, b) => a + b) > old.reduce((a, b) => a + b)) byId.set(r.messageId, c);
    }
  }
  return byId;
});
// The same through a ParsePool, as `stratavore import` parses: one worker per core (sessions in parallel).
const threads = Math.min(4, availableParallelism());
const pool = new ParsePool(join(import.meta.dirname, "../libs/runner/src/usage/parse-worker.mjs"), threads);
// Started and loaded before timing (here each worker compiles the TypeScript sources first).
await Promise.all(Array.from({ length: threads }, () => pool.parse([], "warm-up")));
const [pooledRecords, pooledMs] = await timed(async () => {
  const sessions: Array<{ files: string[]; sessionId: string }> = [];
  for await (const s of scanHistory(projects)) sessions.push(s);
  const parsed = await Promise.all(sessions.map((s) => pool.parse(s.files, s.sessionId)));
  return parsed.reduce((n, p) => n + p.records.length, 0);
});
await pool.close();
// Less than our parser must do, two ways: JSON.parse of only the usage lines; a bracket walk of
// the user and assistant lines with nothing decoded.
const floor = await nodeFloor(projects, threads, "usage");
const skim = await nodeFloor(projects, threads, "skim");
const sum = (i: number) => [...kept.values()].reduce((a, c) => a + c[i]!, 0);
const parser = {
  input: sum(0),
  output: sum(1),
  cacheCreate: sum(2) + sum(3),
  cacheRead: sum(4),
  total: [0, 1, 2, 3, 4].reduce((a, i) => a + sum(i), 0),
};
const reference = {
  input: ref.input,
  output: ref.output,
  cacheCreate: ref.cacheWrite5m + ref.cacheWrite1h,
  cacheRead: ref.cacheRead,
  total: ref.total,
};

const row = (name: string, t: typeof parser, responses: number | string) =>
  `${name.padEnd(22)} ${String(responses).padStart(9)} ${[t.input, t.output, t.cacheCreate, t.cacheRead, t.total].map((n) => n.toLocaleString("en-US").padStart(16)).join("")}`;
console.log(
  `\n${"totals".padEnd(22)} ${"responses".padStart(9)} ${["input", "output", "cache create", "cache read", "total"].map((h) => h.padStart(16)).join("")}`,
);
console.log(row("reference counter", reference, ref.responses));
console.log(row("our parser", parser, kept.size));
console.log(row("ccusage daily", cc, "-"));
console.log(row("(ccusage 17.2.1, JS)", ccJs, "-"), "  older rules: speed reference only");
const agree = JSON.stringify(parser) === JSON.stringify(reference) && JSON.stringify(cc) === JSON.stringify(reference);
console.log(agree ? "all three totals identical" : "TOTALS DIFFER (see rows above)");

// Both imports against npm start's bundled server, each on a fresh database; then the floor.
const viaSettings: BundledImportFigures | null = values["no-import"]
  ? null
  : await measureBundledImport(projects, "settings");
const viaCli: BundledImportFigures | null = values["no-import"] ? null : await measureBundledImport(projects, "cli");
let floorMs: number | null = null;
if (!values["no-import"] && !values["no-floor"]) {
  const pg = await startTestPostgres(null, "bench_parse_floor");
  const db = createDb({ connectionString: pg.url });
  floorMs = await postgresFloor(db, projects);
  await db.$disconnect();
  await pg.stop();
}
const ratio = (ours: number) =>
  `${(ccusageMs / ours).toFixed(2)}× ccusage's speed, ${(ccusageJsMs / ours).toFixed(2)}× ccusage 17.2.1's`;
const mbps = (ms: number) => `${(manifest.totalBytes / MB / (ms / 1000)).toFixed(0)} MB/s`;
console.log(`\nspeed (${(manifest.totalBytes / MB).toFixed(0)} MB)`);
console.log(`  ccusage daily --offline    ${(ccusageMs / 1000).toFixed(2)} s   (${mbps(ccusageMs)}; 20.0.24, native)`);
console.log(`  ccusage 17.2.1 (JS)        ${(ccusageJsMs / 1000).toFixed(2)} s   (${mbps(ccusageJsMs)})`);
console.log(`  reference counter          ${(refMs / 1000).toFixed(2)} s   ${ratio(refMs)}`);
console.log(
  `  our parser                 ${(parserMs / 1000).toFixed(2)} s   ${ratio(parserMs)}   (${(manifest.totalBytes / MB / (parserMs / 1000)).toFixed(0)} MB/s)`,
);
console.log(
  `  our parser, ${threads} threads      ${(pooledMs / 1000).toFixed(2)} s   ${ratio(pooledMs)}   (${mbps(pooledMs)}; ${pooledRecords.toLocaleString("en-US")} records before merging, as the one-thread pass)`,
);
console.log(
  `  Node.js floor, ${threads} threads  ${(floor.ms / 1000).toFixed(2)} s   ${ratio(floor.ms)}   (${mbps(floor.ms)}; only reading every file and JSON.parse of the ${floor.lines.toLocaleString("en-US")} lines holding "usage": no dedup, prices or session facts)`,
);
console.log(
  `  skim floor, ${threads} threads     ${(skim.ms / 1000).toFixed(2)} s   ${ratio(skim.ms)}   (${mbps(skim.ms)}; only reading every file and walking the brackets of the ${skim.lines.toLocaleString("en-US")} user and assistant lines, strings jumped over natively, nothing decoded)`,
);
const bundled = (name: string, f: BundledImportFigures, how: string) => {
  console.log(`  ${name.padEnd(26)} ${(f.importMs / 1000).toFixed(2)} s   ${ratio(f.importMs)}   (${how})`);
  console.log(
    `  the same again             ${(f.againMs / 1000).toFixed(2)} s   (nothing new: each file read from where the first stopped)`,
  );
  console.log(
    `    ${f.rows.toLocaleString("en-US")} ledger rows, ${f.tokens.toLocaleString("en-US")} tokens (${f.tokens === reference.total ? "= reference" : "DIFFERS from reference"}); server process RSS ${f.rssIdleMb.toFixed(0)} MB before, peak ${f.rssPeakMb.toFixed(0)} MB during (target < 300 MB)`,
  );
  if (f.tokens !== reference.total) process.exitCode = 1;
};
const served = (f: BundledImportFigures) =>
  `npm start's bundled server${f.dashboard ? " with the dashboard" : ", dashboard not built"}, its own process`;
if (viaSettings) bundled("import, Settings", viaSettings, `the server reads the files; ${served(viaSettings)}`);
if (viaCli)
  bundled("import, stratavore import", viaCli, `the CLI sends usage and uploads the files; ${served(viaCli)}`);
if (floorMs !== null && viaSettings)
  console.log(
    `  PostgreSQL floor           ${(floorMs / 1000).toFixed(2)} s   ${ratio(floorMs)}   (only storing every line in an unindexed one-column table; the Settings import is ${(viaSettings.importMs / floorMs).toFixed(1)}× this)`,
  );
if (!agree) process.exitCode = 1;
