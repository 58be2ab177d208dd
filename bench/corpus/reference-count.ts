/**
 * Deliberately simple reference token counter, written from DESIGN.md §3 and sharing no code
 * with libs/ (nor with the generator), so a bug in the real parser cannot hide in both.
 * Slow on purpose: whole files, JSON.parse of every line. Use it to check, never to ship.
 *   node --import tsx bench/corpus/reference-count.ts <dir containing .jsonl files>
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export interface Totals {
  responses: number;
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  total: number;
}

export interface ReferenceTotals extends Totals {
  byModel: Record<string, Totals>;
  /** UTC day (YYYY-MM-DD of the kept line's timestamp). */
  byDay: Record<string, Totals>;
  /** Kept responses whose input side (input + cache writes + cache read) exceeds 200,000. */
  longContextIds: string[];
}

interface Kept {
  model: string;
  day: string;
  counts: [number, number, number, number, number]; // input, output, 5m, 1h, read
  sum: number;
}

const zero = (): Totals => ({
  responses: 0,
  input: 0,
  output: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  cacheRead: 0,
  total: 0,
});
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Sorted, so "first on ties" means the same line on every run and machine. */
function jsonlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...jsonlFiles(p));
    else if (e.isFile() && e.name.endsWith(".jsonl")) out.push(p);
  }
  return out;
}

/** The five counts of a usable assistant line, or null when the line is not spend. */
function readLine(line: string): { id: string; kept: Kept } | null {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObject(o) || o.type !== "assistant" || typeof o.timestamp !== "string") return null;
  const msg = o.message;
  if (!isObject(msg) || typeof msg.id !== "string" || msg.model === "<synthetic>" || !isObject(msg.usage)) return null;
  const u = msg.usage;
  // `?? 0`: absent or null (the Messages API declares the cache counts nullable) means none.
  const cc = u.cache_creation;
  // The split names the 1-hour share; the rest of the total is 5-minute (a split of zeros beside
  // a total is what claude writes when the API sent no split).
  const total = u.cache_creation_input_tokens ?? 0;
  const w1h = isObject(cc) ? (cc.ephemeral_1h_input_tokens ?? 0) : 0;
  const w5m = isObject(cc)
    ? typeof total === "number" && typeof w1h === "number"
      ? Math.max((cc.ephemeral_5m_input_tokens as number | null) ?? 0, total - w1h)
      : null
    : total;
  const counts = [u.input_tokens, u.output_tokens, w5m, w1h, u.cache_read_input_tokens ?? 0];
  if (!counts.every(isCount)) return null;
  const c = counts as Kept["counts"];
  return {
    id: msg.id,
    kept: { model: String(msg.model), day: o.timestamp.slice(0, 10), counts: c, sum: c[0] + c[1] + c[2] + c[3] + c[4] },
  };
}

function add(t: Totals, k: Kept): void {
  t.responses += 1;
  t.input += k.counts[0];
  t.output += k.counts[1];
  t.cacheWrite5m += k.counts[2];
  t.cacheWrite1h += k.counts[3];
  t.cacheRead += k.counts[4];
  t.total += k.sum;
}

export async function referenceCount(projectsDir: string): Promise<ReferenceTotals> {
  const byId = new Map<string, Kept>();
  for (const file of jsonlFiles(projectsDir)) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const r = readLine(line);
      if (!r) continue;
      const prev = byId.get(r.id);
      // The whole line with the largest total wins; the first one on ties.
      if (!prev || r.kept.sum > prev.sum) byId.set(r.id, r.kept);
    }
  }
  const totals: ReferenceTotals = { ...zero(), byModel: {}, byDay: {}, longContextIds: [] };
  for (const [id, k] of byId) {
    add(totals, k);
    if (k.sum - k.counts[1] > 200_000) totals.longContextIds.push(id);
    add((totals.byModel[k.model] ??= zero()), k);
    add((totals.byDay[k.day] ??= zero()), k);
  }
  return totals;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: reference-count.ts <projects dir>");
  const t0 = performance.now();
  const totals = await referenceCount(dir);
  console.log(JSON.stringify({ ms: Math.round(performance.now() - t0), ...totals }, null, 2));
}
