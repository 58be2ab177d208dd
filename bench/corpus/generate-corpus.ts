/**
 * Deterministic hostile Claude Code transcript corpus (CLAUDE_CONFIG_DIR layout) for
 * bench/parse and for parser tests: the same seed gives byte-identical files.
 *   node --import tsx bench/corpus/generate-corpus.ts <dir> <MB> [seed]
 * File-level hostile cases live here (resumes, forks, torn tails); per-line ones in
 * conversation.ts. See manifest.ts for what each count means.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Rng } from "./prng.ts";
import * as L from "./transcript-lines.ts";
import { Conversation, KNOWN_MODELS, TranscriptFile, type Shared } from "./conversation.ts";
import { emptyManifest, type CorpusManifest } from "./manifest.ts";

export type { CorpusManifest } from "./manifest.ts";

const PROJECTS = [
  "/home/dev/stratavore",
  "/home/dev/api_gateway",
  "/home/dev/web.app",
  "/home/dev/ml-pipeline",
  "/home/dev/mono/packages/core",
  "/home/dev/infra",
];
const START = Date.UTC(2026, 2, 1);
const SPAN_MS = 58 * 86_400_000;
const HOUR = 3_600_000;

/** Claude's directory name for a cwd: every non-alphanumeric character becomes '-'. */
export const encodeCwd = (cwd: string) => cwd.replace(/[^a-zA-Z0-9]/g, "-");

/** ~1 MB of text to slice payloads from: code, prose, escapes, ANSI colours, non-ASCII (BMP only, so
 * a slice never splits a surrogate pair), and transcript-looking decoys inside strings. */
function buildPool(rng: Rng, size: number): string {
  const words = [
    "const",
    "function",
    "return",
    "await",
    "import",
    "export",
    "interface",
    "=>",
    "{",
    "}",
    "();",
    "the",
    "usage",
    "tokens",
    "message",
    "error",
    "test",
    "src/index.ts",
    '"quoted"',
    "'single'",
    "C:\\Users\\dev\\",
    "naïve",
    "café",
    "—",
    "→",
    "✓",
    "日本語",
    "Ωμέγα",
    "\t",
    "\u001b[32mPASS\u001b[0m",
    "<div>",
    "&amp;",
    "$HOME",
    "`code`",
    "${x}",
    '{"type":"assistant","message":{"id":"msg_decoy","usage":{"input_tokens":99999,"output_tokens":1}}}',
  ];
  const parts: string[] = [];
  let len = 0;
  while (len < size) {
    const w = rng.chance(0.08) ? "\n" : `${rng.pick(words)} `;
    parts.push(w);
    len += w.length;
  }
  return parts.join("");
}

function newSession(rng: Rng, cwd: string, clock: number, model?: string): TranscriptFile {
  // claude 2.1.328's own default is claude-opus-5-5, which no price list knows.
  const m = model ?? (rng.chance(0.03) ? "claude-opus-5-5" : rng.weighted(KNOWN_MODELS));
  return new TranscriptFile({ sessionId: rng.uuid(), cwd, isSidechain: false }, clock, m);
}

/** `claude -r <id>`: later, the same file again, repeating the tail of the conversation first. */
function resume(conv: Conversation, rng: Rng, f: TranscriptFile, m: CorpusManifest): void {
  m.cases.resumedSessions++;
  f.clock += rng.int(HOUR, 72 * HOUR);
  const repeated = f.chain.slice(-rng.int(3, 10));
  for (const { line, assistant } of repeated) {
    f.lines.push(line);
    m.cases.resumeRepeatedLines++;
    if (assistant) m.cases.resumeRepeatedAssistantLines++;
  }
  f.push(L.summary(conv.text(20, 120), f.parentUuid));
  for (let t = rng.int(1, 8); t > 0; t--) conv.turn(f);
}

/** `claude -r <id> --fork-session`: a new file that repeats the parent's messages, same ids. */
function fork(conv: Conversation, rng: Rng, parent: TranscriptFile, m: CorpusManifest): TranscriptFile {
  m.cases.forkedSessions++;
  const f = newSession(rng, parent.ctx.cwd, parent.clock + rng.int(60_000, 48 * HOUR), parent.model);
  for (const { line, assistant } of parent.chain) {
    f.lines.push(line.split(parent.ctx.sessionId).join(f.ctx.sessionId));
    if (assistant) m.cases.forkRepeatedAssistantLines++;
  }
  f.parentUuid = parent.parentUuid;
  f.snapshots.push(...parent.snapshots);
  for (let t = rng.int(1, 6); t > 0; t--) conv.turn(f);
  return f;
}

/** A crash mid-write: the last line is cut and has no "\n". Its fresh message id must not count. */
function tornTail(rng: Rng, f: TranscriptFile, m: CorpusManifest): void {
  const usage = L.usageJson({ input: 7, output: 777, cw5m: 7_777, cw1h: 0, cacheRead: 77_777 }, false, 0);
  const rec = L.assistant(f.ctx, f.parentUuid, rng.uuid(), new Date(f.clock + 1_000).toISOString(), {
    id: `msg_01${rng.base62(22)}`,
    requestId: `req_011C${rng.base62(20)}`,
    model: f.model,
    block: { type: "text", text: "partial" },
    usage,
    stopReason: null,
  });
  const line = JSON.stringify(rec);
  f.tail = line.slice(0, Math.floor(line.length * (0.3 + 0.6 * rng.next())));
  m.cases.malformed.truncatedTail++;
}

function write(dir: string, rel: string, content: string, m: CorpusManifest): void {
  const path = join(dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  const buf = Buffer.from(content, "utf8");
  writeFileSync(path, buf);
  m.files.push(rel);
  m.totalBytes += buf.length;
}

function writeTranscript(dir: string, f: TranscriptFile, m: CorpusManifest): void {
  const base = join("projects", encodeCwd(f.ctx.cwd));
  write(dir, join(base, `${f.ctx.sessionId}.jsonl`), `${f.lines.join("\n")}\n${f.tail}`, m);
  m.sessionFiles++;
  m.totalLines += f.lines.length + (f.tail ? 1 : 0);
  for (const sub of f.subagents) {
    const stem = join(base, f.ctx.sessionId, "subagents", `agent-${sub.ctx.agentId}`);
    write(dir, `${stem}.jsonl`, `${sub.lines.join("\n")}\n`, m);
    write(dir, `${stem}.meta.json`, JSON.stringify({ agentType: "general-purpose", description: "Investigate" }), m);
    m.subagentFiles++;
    m.totalLines += sub.lines.length;
  }
}

export async function generateCorpus(opts: {
  dir: string;
  targetBytes: number;
  seed?: number;
}): Promise<CorpusManifest> {
  const seed = opts.seed ?? 1;
  // Appending to an old corpus would make the manifest lie about what is on disk.
  if (existsSync(join(opts.dir, "projects"))) throw new Error(`${opts.dir}/projects already exists`);
  const rng = new Rng(seed);
  const manifest = emptyManifest(seed, opts.targetBytes);
  const shared: Shared = {
    rng,
    pool: buildPool(rng, 1 << 20),
    manifest,
    responseSeq: 0,
    minTs: Infinity,
    maxTs: -Infinity,
  };
  const conv = new Conversation(shared);
  // The first sessions force each file-level case once, so even a 1 MB corpus has them all.
  for (let i = 0; manifest.totalBytes < opts.targetBytes; i++) {
    const f = newSession(rng, rng.pick(PROJECTS), START + Math.floor(rng.next() * SPAN_MS));
    for (let t = rng.int(2, 14); t > 0; t--) conv.turn(f);
    if (i === 0) conv.zeroFilled(f);
    if (i === 0 || rng.chance(0.2)) resume(conv, rng, f, manifest);
    const forked = i === 1 || rng.chance(0.1) ? fork(conv, rng, f, manifest) : null;
    if (i === 2 || rng.chance(0.04)) tornTail(rng, f, manifest);
    writeTranscript(opts.dir, f, manifest);
    if (forked) writeTranscript(opts.dir, forked, manifest);
  }
  manifest.firstTimestamp = new Date(shared.minTs).toISOString();
  manifest.lastTimestamp = new Date(shared.maxTs).toISOString();
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [dir, mb, seed] = process.argv.slice(2);
  if (!dir || !mb) throw new Error("usage: generate-corpus.ts <dir> <MB> [seed]");
  const t0 = performance.now();
  const manifest = await generateCorpus({ dir, targetBytes: Number(mb) * 1_048_576, seed: seed ? Number(seed) : 1 });
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  const { files, ...brief } = manifest;
  console.log(
    JSON.stringify(
      {
        ...brief,
        files: files.length,
        seconds: Number(seconds.toFixed(2)),
        mbPerSecond: Number((manifest.totalBytes / 1_048_576 / seconds).toFixed(1)),
      },
      null,
      2,
    ),
  );
}
