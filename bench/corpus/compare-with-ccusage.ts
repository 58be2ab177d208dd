/**
 * Checks the three counts of one corpus against each other: the generator's ground truth,
 * the reference counter and ccusage, overall, per model and per UTC day. Exits 1 on any
 * difference and prints where it sits.
 *   node --import tsx bench/corpus/compare-with-ccusage.ts <dir> [MB=20] [seed=1]
 * Generates the corpus first when <dir>/projects does not exist.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateCorpus, type CorpusManifest } from "./generate-corpus.ts";
import { referenceCount, type Totals } from "./reference-count.ts";
import { ccusageBreakdown, ccusageTotals, runCcusage, type CcusageTotals } from "./run-ccusage.ts";

const [dir, mb = "20", seed = "1"] = process.argv.slice(2);
if (!dir) throw new Error("usage: compare-with-ccusage.ts <dir> [MB] [seed]");

let manifest: CorpusManifest;
if (existsSync(join(dir, "projects"))) manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
else {
  const t0 = performance.now();
  manifest = await generateCorpus({ dir, targetBytes: Number(mb) * 1_048_576, seed: Number(seed) });
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  console.log(
    `generated ${(manifest.totalBytes / 1_048_576).toFixed(1)} MB in ${Math.round(performance.now() - t0)} ms`,
  );
}

let t0 = performance.now();
const ref = await referenceCount(join(dir, "projects"));
console.log(`reference counter: ${Math.round(performance.now() - t0)} ms`);
t0 = performance.now();
const { ms, daily } = await runCcusage(dir);
console.log(`ccusage: ${Math.round(ms)} ms`);

/** The reference's five counts in ccusage's four columns (its cache creation is 5m + 1h). */
const asCcusage = (t: Totals): CcusageTotals => ({
  input: t.input,
  output: t.output,
  cacheCreate: t.cacheWrite5m + t.cacheWrite1h,
  cacheRead: t.cacheRead,
  total: t.total,
});
const same = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);

const problems: string[] = [];
const pick = ({ responses, input, output, cacheWrite5m, cacheWrite1h, cacheRead, total }: Totals) => ({
  responses,
  input,
  output,
  cacheWrite5m,
  cacheWrite1h,
  cacheRead,
  total,
});
if (!same(pick(ref), pick(manifest.expected)))
  problems.push(`reference ${JSON.stringify(pick(ref))} != expected ${JSON.stringify(pick(manifest.expected))}`);
for (const model of new Set([...Object.keys(ref.byModel), ...Object.keys(manifest.expected.byModel)])) {
  const [r, e] = [ref.byModel[model], manifest.expected.byModel[model]];
  if (!r || !e || !same(pick(r), pick(e)))
    problems.push(`model ${model}: reference ${JSON.stringify(r)} != expected ${JSON.stringify(e)}`);
}

if (!same([...ref.longContextIds].sort(), [...manifest.longContextMessageIds].sort()))
  problems.push(`long-context ids: reference ${ref.longContextIds} != manifest ${manifest.longContextMessageIds}`);

const cc = ccusageTotals(daily);
const { byModel, byDay } = ccusageBreakdown(daily);
if (!same(asCcusage(ref), cc))
  problems.push(`overall: reference ${JSON.stringify(asCcusage(ref))} != ccusage ${JSON.stringify(cc)}`);
const compareGroups = (label: string, mine: Record<string, Totals>, theirs: Record<string, CcusageTotals>) => {
  for (const key of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
    const a = mine[key] ? asCcusage(mine[key]) : null;
    const b = theirs[key] ?? null;
    // ccusage lists a model/day with all zeros where the reference has nothing (e.g. <synthetic>).
    const bEmpty = b && b.total === 0;
    if (!(a && b && same(a, b)) && !(a === null && bEmpty))
      problems.push(`${label} ${key}: reference ${JSON.stringify(a)} != ccusage ${JSON.stringify(b)}`);
  }
};
compareGroups("model", ref.byModel, byModel);
compareGroups("day", ref.byDay, byDay);

console.log(
  JSON.stringify(
    { reference: pick(ref), ccusage: cc, days: Object.keys(ref.byDay).length, models: Object.keys(ref.byModel).length },
    null,
    2,
  ),
);
if (problems.length) {
  console.log(`DIFFERENCES (${problems.length}):\n${problems.join("\n")}`);
  process.exitCode = 1;
} else console.log("reference == expected == ccusage (overall, per model, per UTC day)");
