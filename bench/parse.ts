/**
 * bench/parse: our transcript parser and our import, side by side with ccusage, on a generated
 * hostile corpus (bench/corpus: streaming snapshots, resumed and forked sessions, sidechain
 * replays under new request ids, sub-agent files, 1 h cache writes, unknown models, malformed
 * and truncated lines). Prints three token totals — the corpus's own reference counter (a
 * separate, simple program), our parser, ccusage — which must be identical, the speed of each
 * as a ratio to ccusage measured in the same run, and the server's RSS during the import.
 * ccusage 17.2.1 (its last JavaScript release) is timed beside it, for speed only.
 * The import is measured twice: in a fresh server process as Settings → Import history runs it
 * (the server reads the files itself), and as a user runs it — `stratavore import` against
 * `npm start`'s bundled server in processes of their own (bench/corpus/cli-import.ts).
 *   node --import tsx bench/parse.ts [--mb 200] [--seed 1] [--dir /tmp/corpus] [--no-import] [--no-floor] [--no-cli]
 */
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createCaller, hashPassword } from "@stratavore/api";
import { createDb, insertUser, poolOf } from "@stratavore/db";
import { startTestPostgres } from "@stratavore/db/testing";
import { ParsePool, parseSessionFiles, scanHistory } from "@stratavore/runner";
import { readEnv, startServer } from "@stratavore/server/testing";
import { generateCorpus } from "./corpus/generate-corpus.ts";
import { referenceCount, type Totals } from "./corpus/reference-count.ts";
import { ccusageTotals, runCcusage } from "./corpus/run-ccusage.ts";
import { measureCliImport, type CliImportFigures } from "./corpus/cli-import.ts";

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "200" },
    seed: { type: "string", default: "1" },
    dir: { type: "string" },
    "no-import": { type: "boolean", default: false },
    "import-only": { type: "boolean", default: false },
    "no-floor": { type: "boolean", default: false },
    "no-cli": { type: "boolean", default: false },
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

if (values["import-only"]) {
  // The whole import into PostgreSQL, usage and archive, as Settings → Import history runs it.
  const pg = await startTestPostgres(join(import.meta.dirname, "../prisma"), "bench_parse");
  const tmp = await mkdtemp(join(tmpdir(), "stratavore-bench-parse-"));
  const env = readEnv([], {
    DATABASE_URL: pg.url,
    PORT: "0",
    STRATAVORE_DATA_DIR: tmp,
    STRATAVORE_SECRET: randomBytes(32).toString("base64url"),
    STRATAVORE_ADMIN_PASSWORD: "bench-admin-password",
  });
  const server = await startServer(env, (level, msg, meta) => level === "error" && console.error(msg, meta), {
    web: false,
  });
  // The server's own client: a second one here would add its query compiler to "the server's" RSS.
  const db = server.deps.db;
  const admin = await insertUser(db, {
    email: "bench@example.test",
    name: "bench",
    role: "admin",
    passwordHash: await hashPassword("bench-admin-password"),
  });
  const api = createCaller({
    ...server.deps,
    principal: { user: admin, via: "session", scopes: ["read", "write"] },
    ip: "127.0.0.1",
  });
  const rssStartMb = process.memoryUsage().rss / MB;
  let peak = process.memoryUsage().rss;
  let heapAtPeak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peak) [peak, heapAtPeak] = [m.rss, m.heapUsed];
  }, 50);
  const [, importMs] = await timed(async () => {
    await api.usage.importLocal({ dir: projects });
    // The job runs in the background, tracked by the fleet: settled = every session and its archive in.
    await server.deps.fleet.settle();
  });
  clearInterval(sampler);
  // Again, with nothing new: each file is read from where the first import stopped.
  const [, againMs] = await timed(async () => {
    await api.usage.importLocal({ dir: projects });
    await server.deps.fleet.settle();
  });
  const agg = await db.usageRecord.aggregate({ _sum: { totalTokens: true }, _count: true });
  const floorMs = values["no-floor"] ? null : await postgresFloor(db, projects);
  console.log(
    `IMPORT ${JSON.stringify({ importMs, againMs, floorMs, rssStartMb, rssPeakMb: peak / MB, heapAtPeakMb: heapAtPeak / MB, imported: { tokens: Number(agg._sum.totalTokens ?? 0n), rows: agg._count } })}`,
  );
  await server.close();
  await pg.stop();
  await rm(tmp, { recursive: true, force: true });
  process.exit(0);
}

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

let importMs: number | null = null;
let againMs: number | null = null;
let floorMs: number | null = null;
let rssPeakMb: number | null = null;
let heapAtPeakMb: number | null = null;
let rssStartMb: number | null = null;
let imported: { tokens: number; rows: number } | null = null;
if (!values["no-import"]) {
  // In a fresh process, so its memory is the server's and not this one's parsing passes.
  const flags = ["--dir", dir, "--import-only", ...(values["no-floor"] ? ["--no-floor"] : [])];
  const child = spawnSync(process.execPath, ["--import", "tsx", import.meta.filename, ...flags], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const line = child.stdout.split("\n").find((l) => l.startsWith("IMPORT "));
  if (!line) throw new Error(`the import run failed:\n${child.stderr}`);
  ({ importMs, againMs, floorMs, rssPeakMb, heapAtPeakMb, rssStartMb, imported } = JSON.parse(line.slice(7)) as {
    importMs: number;
    againMs: number;
    floorMs: number | null;
    rssPeakMb: number;
    heapAtPeakMb: number;
    rssStartMb: number;
    imported: { tokens: number; rows: number };
  });
}

const viaCli: CliImportFigures | null =
  values["no-import"] || values["no-cli"] ? null : await measureCliImport(projects);

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
if (importMs !== null && imported) {
  console.log(`  our import (usage+archive) ${(importMs / 1000).toFixed(2)} s   ${ratio(importMs)}`);
  console.log(
    `  the same import again      ${(againMs! / 1000).toFixed(2)} s   (nothing new: every file read from where the first stopped)`,
  );
  if (floorMs !== null)
    console.log(
      `  PostgreSQL floor           ${(floorMs / 1000).toFixed(2)} s   ${ratio(floorMs)}   (only storing every line in an unindexed one-column table; the import is ${(importMs / floorMs).toFixed(1)}× this)`,
    );
  console.log(
    `  import: ${imported.rows.toLocaleString("en-US")} ledger rows, ${imported.tokens.toLocaleString("en-US")} tokens (${imported.tokens === reference.total ? "= reference" : "DIFFERS from reference"}); server RSS ${rssStartMb!.toFixed(0)} MB before, peak ${rssPeakMb!.toFixed(0)} MB during (JS heap ${heapAtPeakMb!.toFixed(0)} MB of it)`,
  );
  if (imported.tokens !== reference.total) process.exitCode = 1;
}
if (viaCli) {
  console.log(
    `  stratavore import (CLI)    ${(viaCli.importMs / 1000).toFixed(2)} s   ${ratio(viaCli.importMs)}   (npm start's bundled server${viaCli.dashboard ? " with the dashboard" : ", dashboard not built"}, in its own process)`,
  );
  console.log(`  the same again             ${(viaCli.againMs / 1000).toFixed(2)} s   (nothing new)`);
  console.log(
    `  CLI import: ${viaCli.rows.toLocaleString("en-US")} ledger rows, ${viaCli.tokens.toLocaleString("en-US")} tokens (${viaCli.tokens === reference.total ? "= reference" : "DIFFERS from reference"}); server process RSS ${viaCli.rssIdleMb.toFixed(0)} MB before, peak ${viaCli.rssPeakMb.toFixed(0)} MB during (target < 300 MB)`,
  );
  if (viaCli.tokens !== reference.total) process.exitCode = 1;
}
if (!agree) process.exitCode = 1;
