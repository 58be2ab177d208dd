/**
 * Writes conversations into transcript files: turns, API responses (with streaming snapshots),
 * tool results, sub-agents and filler records, and injects the per-line hostile cases at known
 * rates. Every genuine response is added once to the manifest's expected totals.
 */
import type { Rng } from "./prng.ts";
import * as L from "./transcript-lines.ts";
import { addUsage, emptyTotals, type CorpusManifest } from "./manifest.ts";

export const KNOWN_MODELS: readonly (readonly [string, number])[] = [
  ["claude-sonnet-4-5-20250929", 34],
  ["claude-opus-4-5-20251101", 18],
  ["claude-opus-4-7", 20],
  ["claude-haiku-4-5-20251001", 12],
  ["claude-sonnet-5", 12],
];
export const UNKNOWN_MODELS = ["claude-opus-5-5", "claude-sonnet-4-7", "claude-fennec-1"] as const;
const HAIKU = "claude-haiku-4-5-20251001";
const TOOLS = ["Bash", "Read", "Edit", "Grep", "Write", "Glob"] as const;
/** Above this input side a request is billed at the long-context tier. */
export const LONG_CONTEXT_INPUT = 200_000;

export interface Shared {
  rng: Rng;
  pool: string;
  manifest: CorpusManifest;
  responseSeq: number;
  minTs: number;
  maxTs: number;
}

/** One .jsonl file under construction. */
export class TranscriptFile {
  readonly lines: string[] = [];
  /** The user/assistant chain, which a resume or a fork repeats. */
  readonly chain: { line: string; assistant: boolean }[] = [];
  /** Every main-thread assistant line, any snapshot: sources for sidechain replays. */
  readonly snapshots: L.Rec[] = [];
  readonly subagents: TranscriptFile[] = [];
  parentUuid: string | null = null;
  cost = 0;
  /** A cut-off last line written without "\n" (a crash mid-write). */
  tail = "";

  constructor(
    readonly ctx: L.LineCtx,
    public clock: number,
    public model: string,
  ) {}

  push(rec: L.Rec, inChain = false): string {
    const line = JSON.stringify(rec);
    this.lines.push(line);
    if (inChain) {
      this.chain.push({ line, assistant: rec.type === "assistant" });
      this.parentUuid = rec.uuid as string;
    }
    return line;
  }
}

export class Conversation {
  constructor(private readonly s: Shared) {}

  private get rng(): Rng {
    return this.s.rng;
  }

  /** A slice of the shared text pool: cheap, and it carries the escapes and non-ASCII text. */
  text(lo: number, hi: number): string {
    const len = this.rng.skewed(lo, hi);
    const off = this.rng.int(0, this.s.pool.length - len);
    return this.s.pool.slice(off, off + len);
  }

  ts(f: TranscriptFile, minMs: number, maxMs: number): string {
    f.clock += this.rng.int(minMs, maxMs);
    this.s.minTs = Math.min(this.s.minTs, f.clock);
    this.s.maxTs = Math.max(this.s.maxTs, f.clock);
    return new Date(f.clock).toISOString();
  }

  turn(f: TranscriptFile): void {
    const { rng } = this;
    const { cases } = this.s.manifest;
    const main = !f.ctx.isSidechain;
    const prompt = this.text(20, 2_000);
    if (main && rng.chance(0.1)) {
      f.push(L.queueOperation(f.ctx.sessionId, this.ts(f, 1_000, 60_000), "enqueue", prompt));
      f.push(L.queueOperation(f.ctx.sessionId, this.ts(f, 10, 500), "dequeue"));
    }
    const promptUuid = rng.uuid();
    f.push(L.userPrompt(f.ctx, f.parentUuid, promptUuid, this.ts(f, 5_000, 900_000), prompt), true);
    if (main)
      f.push(
        L.fileHistorySnapshot(
          promptUuid,
          this.ts(f, 1, 50),
          [`${f.ctx.cwd}/src/index.ts`, `${f.ctx.cwd}/package.json`].slice(0, rng.int(0, 2)),
        ),
      );
    if (main && rng.chance(0.35))
      f.push(
        L.attachment(
          f.ctx,
          f.parentUuid,
          rng.uuid(),
          this.ts(f, 1, 100),
          `${f.ctx.cwd}/src/${rng.base62(8)}.ts`,
          this.text(2_000, 60_000),
        ),
        true,
      );
    const responses = rng.int(1, 5);
    for (let r = 0; r < responses; r++) {
      const tool = this.response(f, r === responses - 1);
      if (main) f.push(L.costState(f.ctx.sessionId, this.ts(f, 1, 20), f.cost, rng.uuid()));
      if (tool === "Agent") this.subagentResult(f);
      else if (tool) this.toolResult(f, tool, main ? this.text(300, 36_000) : this.text(200, 8_000));
    }
    if (rng.chance(0.015)) {
      f.push(L.syntheticError(f.ctx, f.parentUuid, rng.uuid(), this.ts(f, 100, 5_000), rng.uuid()), true);
      cases.syntheticLines++;
    }
    if (!main) return;
    if (rng.chance(0.02)) this.replay(f, f);
    if (rng.chance(0.03)) f.push(L.summary(this.text(20, 120), f.parentUuid));
    this.junk(f);
  }

  /** Unparseable lines in the middle of a file: a torn write, a zero-filled block, a blank. */
  private junk(f: TranscriptFile): void {
    const { rng } = this;
    const bad = this.s.manifest.cases.malformed;
    if (rng.chance(0.015)) {
      const prev = f.lines[f.lines.length - 1] ?? "";
      f.lines.push(
        rng.chance(0.5)
          ? prev.slice(0, Math.floor(prev.length * (0.1 + 0.8 * rng.next())))
          : "Error: write EPIPE at afterWriteDispatched (node:internal/stream_base_commons:161:15)",
      );
      bad.notJson++;
    }
    if (rng.chance(0.005)) this.zeroFilled(f);
    if (rng.chance(0.01)) {
      f.lines.push("");
      bad.blank++;
    }
  }

  /** What a power loss leaves behind: a block of NUL bytes where a line was being written. */
  zeroFilled(f: TranscriptFile): void {
    f.lines.push("\0".repeat(this.rng.int(64, 4_096)));
    this.s.manifest.cases.malformed.zeroFilled++;
  }

  private usage(model: string): { u: L.Usage; oneHour: boolean; long: boolean } {
    const { rng } = this;
    const seq = ++this.s.responseSeq;
    const oneHour = rng.chance(0.12);
    // The 5th response is always long-context so even a tiny corpus has one.
    const long = seq === 5 || rng.chance(0.002);
    const input = rng.chance(0.05) ? rng.int(100, 4_000) : rng.int(1, 60);
    const cw = Math.max(oneHour ? 100 : 0, rng.skewed(0, 30_000));
    const cw1h = oneHour ? rng.int(1, cw) : 0;
    // 500 tokens of headroom below the tier for the non-monotonic snapshot bump.
    const cacheRead = long
      ? rng.int(LONG_CONTEXT_INPUT + 1, 600_000) - input - cw
      : Math.min(rng.skewed(0, 170_000), LONG_CONTEXT_INPUT - 500 - input - cw);
    const outMax = model === HAIKU ? 2_000 : 8_000;
    return { u: { input, output: rng.skewed(5, outMax), cw5m: cw - cw1h, cw1h, cacheRead }, oneHour, long };
  }

  /** One API response, 1–4 lines sharing message.id. Returns the tool it calls, if any. */
  response(f: TranscriptFile, last: boolean): string | null {
    const { rng } = this;
    const m = this.s.manifest;
    const model = rng.chance(0.015) ? rng.pick(UNKNOWN_MODELS) : f.model;
    const { u, oneHour, long } = this.usage(model);
    const legacy = !oneHour && rng.chance(0.05);
    const webSearches = rng.chance(0.03) ? rng.int(1, 3) : 0;
    const id = `msg_01${rng.base62(22)}`;
    const requestId = `req_011C${rng.base62(20)}`;
    const k = rng.chance(0.4) ? rng.int(2, 4) : 1;
    const outs = Array.from({ length: k }, (_, i) =>
      i === k - 1 ? u.output : Math.max(i + 1, Math.floor((u.output * (i + 1)) / (k + 1))),
    );
    const nonMonotonic = k > 1 && rng.chance(0.08) && u.output - (outs[0] as number) > 2;
    const tool = last ? null : !f.ctx.isSidechain && rng.chance(0.08) ? "Agent" : rng.pick(TOOLS);
    for (let i = 0; i < k; i++) {
      const snap = { ...u, output: outs[i] as number };
      // Larger cache_read than the final line but a smaller total: only whole-line max is right.
      if (nonMonotonic && i === 0) snap.cacheRead += rng.int(1, Math.min(500, u.output - snap.output - 1));
      const block =
        i < k - 1 ? this.textBlock(i === 0 && k >= 3) : tool ? this.toolUse(f, tool) : this.textBlock(false);
      const stop = i < k - 1 ? null : tool ? "tool_use" : "end_turn";
      const rec = L.assistant(f.ctx, f.parentUuid, rng.uuid(), this.ts(f, 300, i === 0 ? 90_000 : 8_000), {
        id,
        requestId,
        model,
        block,
        usage: L.usageJson(snap, legacy, webSearches),
        stopReason: stop,
      });
      f.push(rec, true);
      if (!f.ctx.isSidechain) f.snapshots.push(rec);
    }
    f.cost += (u.input * 3 + u.cw5m * 3.75 + u.cw1h * 6 + u.cacheRead * 0.3 + u.output * 15) / 1e6;
    m.expected.byModel[model] ??= emptyTotals();
    addUsage(m.expected, u);
    addUsage(m.expected.byModel[model], u);
    const c = m.cases;
    if (k > 1) {
      c.streamingResponses++;
      c.streamingExtraLines += k - 1;
    }
    if (nonMonotonic) c.nonMonotonicSnapshots++;
    if (oneHour) c.oneHourCacheResponses++;
    if (legacy) c.legacyUsageResponses++;
    if (UNKNOWN_MODELS.includes(model as (typeof UNKNOWN_MODELS)[number])) c.unknownModelResponses++;
    if (f.ctx.isSidechain) c.subagentResponses++;
    if (long) m.longContextMessageIds.push(id);
    if (rng.chance(0.007)) this.wrongTypes(f, model);
    return tool;
  }

  private textBlock(thinking: boolean): L.Rec {
    return thinking
      ? { type: "thinking", thinking: this.text(50, 3_000), signature: this.rng.base62(200) }
      : { type: "text", text: this.text(10, 2_500) };
  }

  private toolUse(f: TranscriptFile, name: string): L.Rec {
    const id = `toolu_01${this.rng.base62(22)}`;
    const path = `${f.ctx.cwd}/src/${this.rng.base62(6)}.ts`;
    const input: L.Rec =
      name === "Bash"
        ? { command: "npm test -- --run", description: "Run the tests" }
        : name === "Agent"
          ? { description: "Investigate", prompt: this.text(50, 800), subagent_type: "general-purpose" }
          : name === "Edit"
            ? { file_path: path, old_string: this.text(10, 400), new_string: this.text(10, 400) }
            : { file_path: path };
    return { type: "tool_use", id, name, input };
  }

  private lastToolUseId(f: TranscriptFile): string {
    const line = f.chain[f.chain.length - 1]?.line ?? "";
    return /"tool_use","id":"(toolu_[^"]+)"/.exec(line)?.[1] ?? "toolu_missing";
  }

  private toolResult(f: TranscriptFile, tool: string, output: string): void {
    const extra: L.Rec =
      tool === "Bash"
        ? { stdout: output, stderr: "", interrupted: false, isImage: false }
        : { type: "text", file: { filePath: `${f.ctx.cwd}/src/x.ts`, content: output } };
    f.push(
      L.toolResult(f.ctx, f.parentUuid, this.rng.uuid(), this.ts(f, 50, 120_000), this.lastToolUseId(f), output, extra),
      true,
    );
  }

  /** A sub-agent file (own message ids, isSidechain) and the main thread's Agent tool result. */
  private subagentResult(f: TranscriptFile): void {
    const { rng } = this;
    const toolUseId = this.lastToolUseId(f);
    const agentId = rng.hex(16);
    const sub = new TranscriptFile(
      { ...f.ctx, isSidechain: true, agentId },
      f.clock,
      rng.chance(0.5) ? HAIKU : f.model,
    );
    f.subagents.push(sub);
    const before = this.s.manifest.expected.total;
    this.turn(sub);
    const extraTurns = rng.int(0, 2);
    for (let i = 0; i < extraTurns; i++) this.turn(sub);
    if (rng.chance(0.3)) for (let i = rng.int(1, 2); i > 0; i--) this.replay(sub, f);
    f.clock = sub.clock;
    const spent = this.s.manifest.expected.total - before;
    // claude copies the sub-agent's usage into the tool result: a usage-shaped decoy, not spend.
    const usage = L.usageJson(
      { input: 10, output: rng.int(50, 900), cw5m: rng.int(0, 5_000), cw1h: 0, cacheRead: rng.int(0, 40_000) },
      false,
      0,
    );
    const text = this.text(100, 4_000);
    const result = {
      status: "completed",
      prompt: this.text(20, 300),
      agentId,
      content: [{ type: "text", text }],
      totalDurationMs: rng.int(2_000, 600_000),
      totalTokens: spent,
      totalToolUseCount: rng.int(1, 30),
      usage,
    };
    f.push(L.toolResult(f.ctx, f.parentUuid, rng.uuid(), this.ts(f, 50, 2_000), toolUseId, text, result), true);
    this.s.manifest.cases.toolResultUsageDecoys++;
  }

  /** A main-thread line again, marked isSidechain with a new requestId: not new spend. It may
   * copy a non-final snapshot, so it can come after the response's largest line and be smaller. */
  replay(into: TranscriptFile, from: TranscriptFile): void {
    if (from.snapshots.length === 0) return;
    const orig = this.rng.pick(from.snapshots);
    const t0 = Date.parse(orig.timestamp as string);
    const t1 = t0 + this.rng.int(1_000, 120_000);
    // Same UTC day as the original, so per-day totals do not depend on which copy a counter keeps.
    const ts = new Date(
      new Date(t1).toISOString().slice(0, 10) === new Date(t0).toISOString().slice(0, 10) ? t1 : t0,
    ).toISOString();
    // sessionId of the file written to: a fork's snapshots list holds its parent's line objects.
    const rec: L.Rec = {
      ...orig,
      parentUuid: into.parentUuid,
      isSidechain: true,
      sessionId: into.ctx.sessionId,
      requestId: `req_011C${this.rng.base62(20)}`,
      uuid: this.rng.uuid(),
      timestamp: ts,
    };
    if (into.ctx.agentId) rec.agentId = into.ctx.agentId;
    into.push(rec, true);
    this.s.manifest.cases.sidechainReplays++;
    if (into !== from) this.s.manifest.cases.sidechainReplaysInSubagentFiles++;
    if ((orig.message as L.Rec).stop_reason === null) this.s.manifest.cases.sidechainReplaysOfEarlierSnapshot++;
  }

  /** An assistant line with a fresh id and one field of the wrong type: must be skipped whole. */
  private wrongTypes(f: TranscriptFile, model: string): void {
    const n = this.s.manifest.cases.malformed.wrongTypes++;
    const usage = L.usageJson({ input: 12, output: 345, cw5m: 678, cw1h: 0, cacheRead: 9_012 }, false, 0);
    const rec = L.assistant(f.ctx, f.parentUuid, this.rng.uuid(), this.ts(f, 10, 1_000), {
      id: `msg_01${this.rng.base62(22)}`,
      requestId: `req_011C${this.rng.base62(20)}`,
      model,
      block: this.textBlock(false),
      usage,
      stopReason: "end_turn",
    });
    const msg = rec.message as L.Rec;
    const variant = n % 5;
    if (variant === 0) usage.input_tokens = "12";
    else if (variant === 1) usage.output_tokens = -345;
    else if (variant === 2) usage.cache_read_input_tokens = 9_012.5;
    else if (variant === 3) msg.usage = "unavailable";
    else msg.id = 12_345;
    f.push(rec);
  }
}
