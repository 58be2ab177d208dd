import { statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { UsageRecordInput } from "@stratavore/contracts";
import { describe, expect, it } from "vitest";
import { parseSessionFiles, scanHistory, type HistorySession } from "./scan-history.ts";
import { TranscriptTailer } from "./transcript-tailer.ts";
import { mergeByKey } from "./usage-batch.ts";

/**
 * The hand-written hostile corpus in fixtures/projects (a CLAUDE_CONFIG_DIR layout). Every
 * expected number below is worked out from the fixture lines by hand; "L<n>" is line n of
 * the file named in the comment.
 */
const CONFIG_DIR = fileURLToPath(new URL("./fixtures/", import.meta.url));
const PROJECTS = join(CONFIG_DIR, "projects");
const MY_APP = join(PROJECTS, "-home-dev-my-app");
const SIDE = join(PROJECTS, "-home-dev-side-proj");
const A = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa"; // main session, with a sub-agent, resumed in place
const F = "ffffffff-2222-4222-8222-ffffffffffff"; // fork of A: repeats A's first two responses
const D = "dddddddd-3333-4333-8333-dddddddddddd"; // other project, cwd only on its third line
const E = "eeeeeeee-4444-4444-8444-eeeeeeeeeeee"; // no messages at all
const A_MAIN = join(MY_APP, `${A}.jsonl`);
const A_AGENT = join(MY_APP, A, "subagents", "agent-a7f3c2.jsonl");
const F_MAIN = join(MY_APP, `${F}.jsonl`);
const D_MAIN = join(SIDE, `${D}.jsonl`);
const E_MAIN = join(SIDE, `${E}.jsonl`);

type Tokens = [input: number, output: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number];
const tokens = (r: UsageRecordInput): Tokens => [
  r.inputTokens,
  r.outputTokens,
  r.cacheWrite5mTokens,
  r.cacheWrite1hTokens,
  r.cacheReadTokens,
];
const byKey = (records: UsageRecordInput[]) => Object.fromEntries(records.map((r) => [r.messageId, tokens(r)]));
function sum(records: UsageRecordInput[]): Tokens {
  return records.reduce<Tokens>((t, r) => tokens(r).map((n, i) => n + t[i]!) as Tokens, [0, 0, 0, 0, 0]);
}

// Session A, main file + sub-agent file, one record per API response.
const A_EXPECTED: Record<string, Tokens> = {
  // A L9-L11: one response streamed as three lines, output 1 → 40 → 152, input/cache equal:
  // L11 has the largest total (3+152+500+0+12000 = 12655) and wins. A L33 (resume repeat,
  // output 40) is smaller; agent L2 is a sidechain replay with the same key and total: no new spend.
  msg_A1: [3, 152, 500, 0, 12000],
  // A L13: cache_creation splits 3000 written tokens into 1000 (5 m) + 2000 (1 h). A L32 repeats
  // it; agent L8 replays it as a sidechain line under a new requestId: the same response, not new spend.
  msg_A2: [5, 220, 1000, 2000, 12500],
  // A L20: long context (210000 input). No cache_creation object, so the 1500 of
  // cache_creation_input_tokens are 5-minute writes. A L17, its truncated snapshot, is malformed.
  msg_A4: [210000, 800, 1500, 0, 0],
  // A L26: no message.id, so keyed by its request id (DESIGN §3 rule 1's fallback).
  "request:req_A8b": [50, 50, 0, 0, 0],
  // A L27: unknown model "claude-mystery-9" still counts (pricing marks it unpriced later).
  msg_A9: [7, 70, 0, 0, 700],
  // A L28: no requestId, keyed by message id alone.
  msg_A10: [2, 30, 100, 0, 800],
  // A L29 (6+400+0+0+1000 = 1406) vs L30 (6+90+2000+0+1000 = 3096): L30 wins whole, so
  // output is 90, not L29's 400 (a per-field max would claim 3406).
  msg_A11: [6, 90, 2000, 0, 1000],
  // agent L3-L4: a genuine sub-agent response, output 5 → 64.
  msg_S1: [10, 64, 2000, 0, 0],
  // agent L7. A L12 quotes msg_S2 with 999999 tokens inside a *user* entry: not counted.
  msg_S2: [12, 300, 0, 0, 2000],
};
// Skipped, never counted: A L1-L8, L12, L14-L16, L31 (other types / user), L19 (blank),
// L24 (<synthetic>), L25 (no usage); agent L1, L6 (user), L8 (replay of A2).
// Malformed: A L17 (cut mid-write), L18 (not JSON), L21 (output_tokens "12"), L22 (input -5),
// L23 (usage "n/a") = 5; agent L5 (cut mid-write) = 1. Total 6.
const A_MALFORMED = 6;
// Per type, over the 9 keys above:
//   input    3 + 5 + 210000 + 50 + 7 + 2 + 6 + 10 + 12   = 210095
//   output   152 + 220 + 800 + 50 + 70 + 30 + 90 + 64 + 300 = 1776
//   5 m      500 + 1000 + 1500 + 0 + 100 + 2000 + 2000 + 0 = 7100
//   1 h      2000 (msg_A2 only)
//   read     12000 + 12500 + 0 + 700 + 800 + 1000 + 0 + 2000 = 29000
const A_TOTALS: Tokens = [210095, 1776, 7100, 2000, 29000];

// L6 of A with whitespace runs collapsed, cut at 200 characters: the 200th is the space after
// "retries.", trimmed away.
const A_TITLE =
  "Fix the flaky login test in apps/web. It fails on CI about once in ten runs, always with a timeout in the session refresh step. Find the race, explain it, and fix it without adding sleeps or retries.";

describe("hostile transcript corpus", () => {
  it("counts session A (main + sub-agent) exactly as derived by hand", async () => {
    const s = await parseSessionFiles([A_MAIN, A_AGENT], A);
    expect(byKey(s.records)).toEqual(A_EXPECTED);
    expect(Object.keys(byKey(s.records))).toEqual(Object.keys(A_EXPECTED)); // first-seen order
    expect(sum(s.records)).toEqual(A_TOTALS);
    expect(s.malformed).toBe(A_MALFORMED);

    const rec = (key: string) => s.records.find((r) => r.messageId === key)!;
    // Sub-agent spend rolls up to the parent session; every record carries A.
    expect(new Set(s.records.map((r) => r.sessionId))).toEqual(new Set([A]));
    expect(s.records.filter((r) => r.isSidechain).map((r) => r.messageId)).toEqual(["msg_S1", "msg_S2"]);
    // The main thread's line was read first and the replay only tied: the record is not a sidechain one.
    expect(rec("msg_A1").isSidechain).toBe(false);
    // The winning line wins whole, its timestamp included: L11 for A1, L30 for A11.
    expect(rec("msg_A1").occurredAt).toBe("2026-03-01T09:00:08.000Z");
    expect(rec("msg_A11").occurredAt).toBe("2026-03-01T09:04:01.000Z");
    expect(rec("msg_A10")).toMatchObject({ requestId: null, speed: "fast", webSearchRequests: 2, webFetchRequests: 1 });
    expect(rec("msg_S2")).toMatchObject({
      model: "claude-haiku-4-5-20251001",
      webFetchRequests: 1,
      webSearchRequests: 0,
    });
    expect(rec("msg_A9").model).toBe("claude-mystery-9");
    expect(rec("msg_A4").inputTokens).toBeGreaterThan(200_000);
    // L26 names no tier; every other line says "standard".
    expect(s.records.filter((r) => r.serviceTier !== "standard").map((r) => r.messageId)).toEqual(["request:req_A8b"]);
    expect(s.records.some((r) => r.model === "<synthetic>")).toBe(false);
  });

  it("derives session A's list facts by hand", async () => {
    const s = await parseSessionFiles([A_MAIN, A_AGENT], A);
    // L3 (a meta note, still activity) is the earliest user/assistant entry; L2's 08:59:59
    // belongs to a file snapshot, not a message. L33 (resume repeat) is the latest.
    expect(s.firstAt).toBe("2026-03-01T09:00:00.000Z");
    expect(s.lastAt).toBe("2026-03-01T10:00:02.000Z");
    // User entries of the main thread, meta excluded: L4, L5, L6, L12, L16, L31 = 6.
    // Assistant message ids of the main thread: A1, A2, A4, A5, A6, A7, the synthetic one,
    // A8, A9, A10, A11 = 11 (L26 has no id, L17 is not JSON). Sub-agent entries are sidechain.
    expect(s.messageCount).toBe(17);
    // L3 is meta, L4/L5 are command echoes: the title is L6's prompt.
    expect(s.title).toBe(A_TITLE);
    expect(s.title!.length).toBeLessThanOrEqual(200);
    // Both files end with '\n': complete up to their size.
    expect(s.tailState).toEqual({ files: { [A_MAIN]: statSync(A_MAIN).size, [A_AGENT]: statSync(A_AGENT).size } });
  });

  it("tails the same numbers live, at any chunk size, and reads nothing twice", async () => {
    const imported = await parseSessionFiles([A_MAIN, A_AGENT], A);
    const size = statSync(A_MAIN).size + statSync(A_AGENT).size;
    for (const chunkBytes of [7, 4096, undefined]) {
      const tailer = new TranscriptTailer({ configDir: CONFIG_DIR, cwd: "/home/dev/my-app", sessionId: A, chunkBytes });
      const poll = await tailer.poll();
      expect(poll.records, `chunk ${chunkBytes}`).toEqual(imported.records);
      expect(poll.malformed).toBe(A_MALFORMED);
      expect(poll.bytesRead).toBe(size);
      expect(await tailer.poll()).toEqual({ records: [], entries: [], malformed: 0, bytesRead: 0 });
    }
    // An import hands over to live tailing without reading the history again.
    const handover = new TranscriptTailer({
      configDir: CONFIG_DIR,
      cwd: "/home/dev/my-app",
      sessionId: A,
      state: imported.tailState,
    });
    expect(await handover.poll()).toEqual({ records: [], entries: [], malformed: 0, bytesRead: 0 });
  });

  it("counts a forked session's repeated responses once per file and once overall", async () => {
    const f = await parseSessionFiles([F_MAIN], F);
    // F L2 and L4 repeat A1 (final line) and A2 with the same ids; L6 is F's own response.
    expect(byKey(f.records)).toEqual({
      msg_A1: [3, 152, 500, 0, 12000],
      msg_A2: [5, 220, 1000, 2000, 12500],
      msg_F1: [4, 60, 300, 0, 15000],
    });
    expect([f.malformed, f.messageCount, f.title]).toEqual([0, 6, A_TITLE]); // users L1, L3, L5 + A1, A2, F1
    expect([f.firstAt, f.lastAt]).toEqual(["2026-03-01T09:00:05.000Z", "2026-03-02T08:00:04.000Z"]);

    // The ledger's unique key across sessions, simulated by one merge over everything:
    // A's 9 keys + msg_F1 + msg_D1 = 11; A1 and A2 count once although three files hold them.
    const a = await parseSessionFiles([A_MAIN, A_AGENT], A);
    const d = await parseSessionFiles([D_MAIN], D);
    const all = mergeByKey([...a.records, ...f.records, ...d.records]);
    expect(all).toHaveLength(11);
    // A_TOTALS + F1 (4, 60, 300, 0, 15000) + D1 (1, 10, 0, 0, 0).
    expect(sum(all)).toEqual([210100, 1846, 7400, 2000, 44000]);
  });

  it("scans the history folder: sessions with their files and first cwd, nothing else", async () => {
    const found: HistorySession[] = [];
    for await (const s of scanHistory(PROJECTS)) found.push(s);
    // Not sessions: notes.jsonl (name not a uuid), README.txt (not a folder), the
    // agent-*.meta.json beside the sub-agent transcript, A's own folder.
    expect(found).toEqual([
      // A: L1-L2 have no cwd, L3 does.
      { projectDir: "-home-dev-my-app", sessionId: A, cwd: "/home/dev/my-app", files: [A_MAIN, A_AGENT] },
      { projectDir: "-home-dev-my-app", sessionId: F, cwd: "/home/dev/my-app", files: [F_MAIN] },
      // D: the folder name cannot be decoded ("." became "-"); L3 gives the real cwd.
      { projectDir: "-home-dev-side-proj", sessionId: D, cwd: "/home/dev/side.proj", files: [D_MAIN] },
      { projectDir: "-home-dev-side-proj", sessionId: E, cwd: null, files: [E_MAIN] },
    ]);
    const none: HistorySession[] = [];
    for await (const s of scanHistory(join(PROJECTS, "missing"))) none.push(s);
    expect(none).toEqual([]);
  });

  it("imports the small and the empty session", async () => {
    const d = await parseSessionFiles([D_MAIN], D);
    // D L4: opus, priority tier, no cache fields split.
    expect(byKey(d.records)).toEqual({ msg_D1: [1, 10, 0, 0, 0] });
    expect(d.records[0]).toMatchObject({ serviceTier: "priority", sessionId: D, requestId: "req_D1" });
    expect([d.title, d.messageCount, d.firstAt, d.lastAt]).toEqual([
      "hello",
      2,
      "2026-03-03T12:00:00.000Z",
      "2026-03-03T12:00:02.000Z",
    ]);

    const e = await parseSessionFiles([E_MAIN], E);
    // A summary and a queue operation: no usage, no messages, no title.
    expect(e).toEqual({
      records: [],
      malformed: 0,
      firstAt: null,
      lastAt: null,
      messageCount: 0,
      title: null,
      tailState: { files: { [E_MAIN]: statSync(E_MAIN).size } },
    });
  });
});
