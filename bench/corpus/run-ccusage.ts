/**
 * Runs ccusage 20.0.24 (the reference tool stack.md names) on a CLAUDE_CONFIG_DIR and sums
 * its JSON. We call the native binary directly: the `ccusage` npm wrapper only spawns it, and
 * timing the wrapper would add a Node start-up to every figure.
 *   CCUSAGE_BIN=/path/to/ccusage node --import tsx bench/corpus/run-ccusage.ts <config dir>
 *
 * `ccusage daily --json` (20.0.24) prints, per day, summed over the whole corpus:
 *   { daily: [{ agent: "all", period: "YYYY-MM-DD", inputTokens, outputTokens,
 *       cacheCreationTokens, cacheReadTokens, totalTokens, totalCost, modelsUsed, metadata,
 *       modelBreakdowns: [{ modelName, inputTokens, outputTokens, cacheCreationTokens,
 *         cacheReadTokens, cost, missingPricing? }] }],
 *     totals: { inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, totalTokens,
 *       totalCost, unpricedModels } }
 * `ccusage claude daily --json` names the day `date` instead of `period` and has no `agent`.
 * cacheCreationTokens is 5m + 1h together; ccusage reports no response count.
 */
import { execFile } from "node:child_process";
import { chmodSync, existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const PACKAGED_BIN = join(import.meta.dirname, "../../node_modules/@ccusage/ccusage-linux-x64/bin/ccusage");

export interface CcusageTotals {
  input: number;
  output: number;
  cacheCreate: number;
  cacheRead: number;
  total: number;
}

interface Breakdown {
  modelName: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
}
interface Day {
  period?: string;
  date?: string;
  modelBreakdowns?: Breakdown[];
}

function binary(): string {
  const bin = process.env.CCUSAGE_BIN ?? PACKAGED_BIN;
  if (!existsSync(bin))
    throw new Error(`ccusage binary not found at ${bin}: npm install (linux-x64 only) or set CCUSAGE_BIN`);
  // The npm tarball ships the binary without its exec bit; the wrapper chmods it at run time.
  if ((statSync(bin).mode & 0o111) === 0) chmodSync(bin, 0o755);
  return bin;
}

/**
 * ccusage 17.2.1, its last release in JavaScript (devDependency `ccusage-js`), as users of
 * `npx ccusage` ran it before the native rewrite: a speed reference only. Its counting rules are
 * older (it keys on message id + request id), so its totals are printed, not compared.
 */
const JS_CLI = join(import.meta.dirname, "../../node_modules/ccusage-js/dist/index.js");

export async function runCcusage(
  configDir: string,
  flavour: "native" | "js" = "native",
): Promise<{ ms: number; daily: unknown }> {
  const [bin, first] = flavour === "native" ? [binary(), []] : [process.execPath, [JS_CLI]];
  // UTC days, to compare with the reference counter whatever the machine's timezone.
  const args = [...first, "daily", "--json", "--offline", "--breakdown", "--timezone", "UTC"];
  const env = { ...process.env, CLAUDE_CONFIG_DIR: configDir, NO_COLOR: "1" };
  const t0 = performance.now();
  const stdout = await new Promise<string>((res, rej) =>
    execFile(bin, args, { env, maxBuffer: 256 * 1024 * 1024 }, (err, out, errOut) =>
      err ? rej(new Error(`ccusage failed: ${err.message}\n${errOut}`)) : res(out),
    ),
  );
  const ms = performance.now() - t0;
  return { ms, daily: JSON.parse(stdout) };
}

const days = (json: unknown): Day[] => (json as { daily?: Day[] }).daily ?? [];

function sum(t: CcusageTotals, b: Breakdown): void {
  t.input += b.inputTokens;
  t.output += b.outputTokens;
  t.cacheCreate += b.cacheCreationTokens;
  t.cacheRead += b.cacheReadTokens;
  t.total += b.inputTokens + b.outputTokens + b.cacheCreationTokens + b.cacheReadTokens;
}

const zero = (): CcusageTotals => ({ input: 0, output: 0, cacheCreate: 0, cacheRead: 0, total: 0 });

/** Overall totals, summed from the per-model breakdowns (the same numbers as `totals`). */
export function ccusageTotals(json: unknown): CcusageTotals {
  const t = zero();
  for (const d of days(json)) for (const b of d.modelBreakdowns ?? []) sum(t, b);
  return t;
}

/** Per model and per day, for finding where a disagreement sits. */
export function ccusageBreakdown(json: unknown): {
  byModel: Record<string, CcusageTotals>;
  byDay: Record<string, CcusageTotals>;
} {
  const byModel: Record<string, CcusageTotals> = {};
  const byDay: Record<string, CcusageTotals> = {};
  for (const d of days(json)) {
    const day = d.period ?? d.date ?? "unknown";
    for (const b of d.modelBreakdowns ?? []) {
      sum((byModel[b.modelName] ??= zero()), b);
      sum((byDay[day] ??= zero()), b);
    }
  }
  return { byModel, byDay };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: run-ccusage.ts <CLAUDE_CONFIG_DIR>");
  const { ms, daily } = await runCcusage(dir);
  console.log(JSON.stringify({ ms: Math.round(ms), ...ccusageTotals(daily) }, null, 2));
}
