import {
  appendFileSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { transcriptPath } from "../base/claude-paths.ts";
import { RunnerError } from "../base/errors.ts";
import { tempHome } from "../testing/helpers.ts";
import { SESSION, assistantLine, userLine } from "./fixtures/lines.ts";
import { TranscriptTailer, TranscriptTailerError } from "./transcript-tailer.ts";

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup() {
  const t = tempHome("stv-usage-");
  cleanups.push(t.cleanup);
  const configDir = join(t.home, ".claude");
  const main = transcriptPath(configDir, t.cwd, SESSION);
  const subDir = join(main.slice(0, -".jsonl".length), "subagents");
  mkdirSync(subDir, { recursive: true });
  const tailer = (state?: { files: Record<string, number> }) =>
    new TranscriptTailer({ configDir, cwd: t.cwd, sessionId: SESSION, state });
  return { ...t, configDir, main, subDir, tailer };
}

const bytes = (s: string) => Buffer.byteLength(s);
const keys = (records: Array<{ messageId: string }>) => records.map((r) => r.messageId);

describe("TranscriptTailer", () => {
  it("holds back an unfinished line and counts it once completed, reading every byte once", async () => {
    const s = setup();
    const head = `${userLine("go")}\n${assistantLine({ id: "msg_a", requestId: "req_a" })}\n`;
    const b = assistantLine({ id: "msg_b", requestId: "req_b", output: 77 });
    const cut = 100;
    writeFileSync(s.main, head + b.slice(0, cut)); // claude is mid-write
    const tailer = s.tailer();

    const first = await tailer.poll();
    expect(keys(first.records)).toEqual(["msg_a"]);
    expect(first.malformed).toBe(0); // the half line is pending, not broken
    expect(first.bytesRead).toBe(bytes(head) + cut);
    // Saved state stops before the unfinished line, so a restart reads it whole.
    expect(tailer.state()).toEqual({ files: { [s.main]: bytes(head) } });

    appendFileSync(s.main, `${b.slice(cut)}\n`);
    const second = await tailer.poll();
    expect(keys(second.records)).toEqual(["msg_b"]);
    expect(second.records[0]!.outputTokens).toBe(77);
    // Only the appended bytes: the first 100 bytes of the line were not read again.
    expect(second.bytesRead).toBe(bytes(b) - cut + 1);
    expect(first.bytesRead + second.bytesRead).toBe(statSync(s.main).size);

    expect(await tailer.poll()).toEqual({ records: [], entries: [], malformed: 0, bytesRead: 0 });
  });

  it("returns a key again only when a later snapshot of it is larger", async () => {
    const s = setup();
    const tailer = s.tailer();
    const snap = (output: number, sidechain = false) =>
      `${assistantLine({ id: "m", requestId: "r", output, sidechain })}\n`;

    writeFileSync(s.main, snap(1));
    expect((await tailer.poll()).records.map((r) => r.outputTokens)).toEqual([1]);
    // The final snapshot lands after the poll that saw the first: sent again, larger (the
    // ledger keeps the larger total under the key).
    appendFileSync(s.main, snap(40) + snap(40));
    expect((await tailer.poll()).records.map((r) => r.outputTokens)).toEqual([40]);
    // A sidechain replay (same key, same total) and an older smaller snapshot: not new spend.
    writeFileSync(join(s.subDir, "agent-1.jsonl"), snap(40, true));
    appendFileSync(s.main, snap(5));
    const later = await tailer.poll();
    expect(later.records).toEqual([]);
    expect(later.bytesRead).toBe(bytes(snap(40, true)) + bytes(snap(5)));
  });

  it("sends the main thread's line again when a sidechain replay of equal total was sent first (the import's choice)", async () => {
    const s = setup();
    const tailer = s.tailer();
    const line = (sidechain: boolean, at: string) =>
      `${assistantLine({ id: "m", requestId: sidechain ? "r-replay" : "r", output: 40, sidechain, timestamp: at })}\n`;
    writeFileSync(join(s.subDir, "agent-1.jsonl"), line(true, "2026-03-01T09:00:01.000Z"));
    expect((await tailer.poll()).records.map((r) => r.isSidechain)).toEqual([true]);
    appendFileSync(s.main, line(false, "2026-03-01T09:00:02.000Z"));
    const second = await tailer.poll();
    expect(second.records.map((r) => [r.outputTokens, r.isSidechain, r.requestId, r.occurredAt])).toEqual([
      [40, false, "r", "2026-03-01T09:00:02.000Z"],
    ]);
    // Another replay of equal total changes nothing now.
    appendFileSync(join(s.subDir, "agent-1.jsonl"), line(true, "2026-03-01T09:00:03.000Z"));
    expect((await tailer.poll()).records).toEqual([]);
  });

  it("the runner's last read counts a last line that never got its newline, and leaves it held back", async () => {
    const s = setup();
    const head = `${assistantLine({ id: "msg_a", requestId: "req_a" })}\n`;
    const last = assistantLine({ id: "msg_b", requestId: "req_b", output: 400 });
    writeFileSync(s.main, head + last); // claude stopped between the line and its newline
    const tailer = s.tailer();
    expect(keys((await tailer.poll()).records)).toEqual(["msg_a"]);
    expect((await tailer.poll()).records).toEqual([]); // still running: it may be mid-write
    const final = await tailer.poll({ final: true });
    expect(final.records.map((r) => [r.messageId, r.outputTokens])).toEqual([["msg_b", 400]]);
    expect(final.entries.map((e) => e.offset)).toEqual([bytes(head)]);
    expect(final.malformed).toBe(0);
    // Held back: a resumed session's tailer reads it again, whole, once its newline comes.
    expect(tailer.state()).toEqual({ files: { [s.main]: bytes(head) } });
    appendFileSync(s.main, "\n");
    const resumed = s.tailer(tailer.state());
    expect((await resumed.poll()).records.map((r) => [r.messageId, r.outputTokens])).toEqual([["msg_b", 400]]);
    // A line cut short is malformed at the last read, as import counts it.
    const cut = s.tailer();
    writeFileSync(join(s.subDir, "agent-2.jsonl"), last.slice(0, 80));
    expect((await cut.poll({ final: true })).malformed).toBe(1);
  });

  it("reads a 10 MB transcript once, in chunks, and never again", async () => {
    const s = setup();
    const filler = userLine("x".repeat(60_000)); // ~60 KB user turns, as real transcripts grow
    const parts: string[] = [];
    let responses = 0;
    while (parts.reduce((n, p) => n + p.length, 0) < 10 * 1024 * 1024) {
      parts.push(
        `${filler}\n`,
        `${assistantLine({ id: `msg_${responses}`, requestId: `req_${responses}`, output: responses + 1, text: "é🎉".repeat(500) })}\n`,
      );
      responses += 1;
    }
    writeFileSync(s.main, parts.join(""));
    const size = statSync(s.main).size;
    expect(size).toBeGreaterThan(10 * 1024 * 1024);

    const tailer = s.tailer();
    const first = await tailer.poll();
    expect(first.bytesRead).toBe(size);
    expect(first.malformed).toBe(0); // no line or character was broken at a 1 MB chunk edge
    expect(first.records).toHaveLength(responses);
    // Output n+1 for response n: Σ(1..responses).
    expect(first.records.reduce((n, r) => n + r.outputTokens, 0)).toBe((responses * (responses + 1)) / 2);

    const second = await tailer.poll();
    expect(second).toEqual({ records: [], entries: [], malformed: 0, bytesRead: 0 });
  });

  it("starts over when the file is truncated, without resending what it already sent", async () => {
    const s = setup();
    const a = `${assistantLine({ id: "msg_a", requestId: "r", output: 100, text: "long ".repeat(200) })}\n`;
    const b = `${assistantLine({ id: "msg_b", requestId: "r" })}\n`;
    writeFileSync(s.main, a + b);
    const tailer = s.tailer();
    expect(keys((await tailer.poll()).records)).toEqual(["msg_a", "msg_b"]);

    truncateSync(s.main, 0);
    const c = `${assistantLine({ id: "msg_c", requestId: "r" })}\n`;
    writeFileSync(s.main, b + c); // shorter than before
    expect(statSync(s.main).size).toBeLessThan(bytes(a + b));
    const after = await tailer.poll();
    expect(after.bytesRead).toBe(bytes(b + c)); // read from 0, not from the stale offset
    expect(keys(after.records)).toEqual(["msg_c"]); // b was sent already
    expect(tailer.state().files[s.main]).toBe(bytes(b + c));
  });

  it("starts over when another file replaces the transcript, even a larger one", async () => {
    const s = setup();
    const a = `${assistantLine({ id: "msg_a", requestId: "r" })}\n`;
    writeFileSync(s.main, a);
    const tailer = s.tailer();
    await tailer.poll();
    const replacement = `${s.main}.new`;
    const content = `${assistantLine({ id: "msg_x", requestId: "r" })}\n${a}${assistantLine({ id: "msg_y", requestId: "r" })}\n`;
    writeFileSync(replacement, content);
    renameSync(replacement, s.main);
    const after = await tailer.poll();
    expect(after.bytesRead).toBe(bytes(content));
    expect(keys(after.records)).toEqual(["msg_x", "msg_y"]);
  });

  it("finds sub-agent files as they appear and rolls their spend up to the session", async () => {
    const s = setup();
    writeFileSync(s.main, `${assistantLine({ id: "msg_main", requestId: "r" })}\n`);
    const tailer = s.tailer();
    expect(keys((await tailer.poll()).records)).toEqual(["msg_main"]);

    const agent = join(s.subDir, "agent-b2.jsonl");
    writeFileSync(agent, `${assistantLine({ id: "msg_sub", requestId: "r2", sidechain: true })}\n`);
    writeFileSync(join(s.subDir, "agent-b2.meta.json"), "not a transcript\n"); // ignored, else malformed
    const second = await tailer.poll();
    expect(second.records.map((r) => [r.messageId, r.sessionId, r.isSidechain])).toEqual([["msg_sub", SESSION, true]]);
    expect(second.malformed).toBe(0);
    expect(Object.keys(tailer.state().files).sort()).toEqual([s.main, agent].sort());
  });

  it("follows an older claude's sub-agent files beside the session (agent-*.jsonl naming it inside), not other sessions' nor files written long before", async () => {
    const s = setup();
    const dir = dirname(s.main);
    const OTHER = "99999999-9999-4999-8999-999999999999";
    const tailer = (state?: { files: Record<string, number> }) =>
      new TranscriptTailer({ configDir: s.configDir, cwd: s.cwd, sessionId: SESSION, state, legacyListMs: 0 });
    const sub = (id: string) => `${assistantLine({ id, requestId: `r_${id}`, sidechain: true })}\n`;
    writeFileSync(s.main, `${assistantLine({ id: "msg_main", requestId: "r" })}\n`);
    const mine = join(dir, "agent-1a2b3c4d.jsonl");
    const later = join(dir, "agent-9abc.jsonl");
    writeFileSync(mine, sub("msg_sub"));
    writeFileSync(join(dir, "agent-5e6f7a8b.jsonl"), sub("msg_other").replace(SESSION, OTHER));
    const old = join(dir, "agent-0ld0.jsonl");
    writeFileSync(old, sub("msg_old"));
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3_600_000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    // Names its session only on its second line, written later.
    writeFileSync(later, '{"type":"summary","summary":"s","leafUuid":"x"}\n');
    const t = tailer();
    expect(keys((await t.poll()).records)).toEqual(["msg_main", "msg_sub"]);

    appendFileSync(later, sub("msg_later"));
    appendFileSync(mine, sub("msg_sub2"));
    const second = await t.poll();
    expect(keys(second.records).sort()).toEqual(["msg_later", "msg_sub2"]);
    // Archived under their own names (a restore puts them in <session>/subagents/).
    expect([...new Set(second.entries.map((e) => e.file))].sort()).toEqual([
      "agent-1a2b3c4d.jsonl",
      "agent-9abc.jsonl",
    ]);
    const saved = t.state();
    expect(Object.keys(saved.files).sort()).toEqual([s.main, later, mine].sort());

    // An agent restarted: its tailer reads on from the saved offsets.
    appendFileSync(mine, sub("msg_sub3"));
    const restarted = tailer(saved);
    expect(keys((await restarted.poll()).records)).toEqual(["msg_sub3"]);
    // The old file written to again (a resumed sub-agent): read, from its start (what it held
    // was counted when it was written; the ledger keeps one row per message id).
    appendFileSync(old, sub("msg_old2"));
    expect(keys((await restarted.poll()).records)).toEqual(["msg_old", "msg_old2"]);
  });

  it("a runner's last read lists the folder afresh: a sub-agent file that appeared since the last listing is not missed", async () => {
    const s = setup();
    writeFileSync(s.main, `${assistantLine({ id: "msg_main", requestId: "r" })}\n`);
    const t = new TranscriptTailer({ configDir: s.configDir, cwd: s.cwd, sessionId: SESSION, legacyListMs: 60_000 });
    expect(keys((await t.poll()).records)).toEqual(["msg_main"]);
    writeFileSync(join(dirname(s.main), "agent-late.jsonl"), `${assistantLine({ id: "msg_late", sidechain: true })}\n`);
    // Listed a moment ago: a regular poll does not look yet; the runner's last one does.
    expect(keys((await t.poll()).records)).toEqual([]);
    expect(keys((await t.poll({ final: true })).records)).toEqual(["msg_late"]);
  });

  it("resumes from a saved state without re-reading, re-reading only an unfinished line", async () => {
    const s = setup();
    const agent = join(s.subDir, "agent-c3.jsonl");
    const a = `${assistantLine({ id: "msg_a", requestId: "r" })}\n`;
    const b = assistantLine({ id: "msg_b", requestId: "r" });
    const s1 = `${assistantLine({ id: "msg_s1", requestId: "r", sidechain: true })}\n`;
    writeFileSync(s.main, a + b.slice(0, 50));
    writeFileSync(agent, s1);
    const before = s.tailer();
    await before.poll();
    const saved = JSON.parse(JSON.stringify(before.state())) as { files: Record<string, number> };
    expect(saved).toEqual({ files: { [s.main]: bytes(a), [agent]: bytes(s1) } });

    appendFileSync(s.main, `${b.slice(50)}\n`);
    const s2 = `${assistantLine({ id: "msg_s2", requestId: "r", sidechain: true })}\n`;
    appendFileSync(agent, s2);
    const after = s.tailer(saved);
    expect(after.state()).toEqual(saved);
    const poll = await after.poll();
    expect(keys(poll.records)).toEqual(["msg_b", "msg_s2"]);
    // The whole of line b (its first 50 bytes were read before the restart, not committed) + s2.
    expect(poll.bytesRead).toBe(bytes(b) + 1 + bytes(s2));
  });

  it("rejects a session id that is not a uuid and a corrupt state; ignores other sessions' paths", async () => {
    const s = setup();
    const make = (sessionId: string, state?: unknown) => () =>
      new TranscriptTailer({
        configDir: s.configDir,
        cwd: s.cwd,
        sessionId,
        state: state as { files: Record<string, number> },
      });
    expect(make("../../etc/passwd")).toThrow(TranscriptTailerError);
    expect(make(SESSION, { files: { [s.main]: -1 } })).toThrow(TranscriptTailerError);
    expect(make(SESSION, { files: { [s.main]: "12" } })).toThrow(/not a byte offset/);
    expect(make(SESSION, null)).toThrow(TranscriptTailerError);
    let caught: unknown = null;
    try {
      make(SESSION, { files: { [s.main]: 1.5 } })();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RunnerError);
    expect((caught as RunnerError).code).toBe("INVALID_ARGS");
    const foreign = make(SESSION, { files: { "/elsewhere/x.jsonl": 10, [join(s.subDir, "..", "other.jsonl")]: 5 } })();
    expect(foreign.state()).toEqual({ files: {} });
  });

  it("waits quietly for a transcript that does not exist yet", async () => {
    const s = setup();
    const tailer = s.tailer();
    expect(await tailer.poll()).toEqual({ records: [], entries: [], malformed: 0, bytesRead: 0 });
    expect(tailer.state()).toEqual({ files: {} });
    writeFileSync(s.main, `${assistantLine()}\n`);
    expect((await tailer.poll()).records).toHaveLength(1);
  });

  it("runs overlapping polls one after the other, so no line is returned twice", async () => {
    const s = setup();
    writeFileSync(s.main, `${assistantLine({ id: "m1" })}\n${assistantLine({ id: "m2" })}\n`);
    const tailer = s.tailer();
    const [p1, p2] = await Promise.all([tailer.poll(), tailer.poll()]);
    expect(keys(p1.records)).toEqual(["m1", "m2"]);
    expect(p2).toEqual({ records: [], entries: [], malformed: 0, bytesRead: 0 });
  });

  it("loses nothing when a poll fails: the next one reads from the last finished poll", async () => {
    const s = setup();
    writeFileSync(s.main, `${assistantLine({ id: "m1" })}\n`);
    rmSync(s.subDir, { recursive: true });
    symlinkSync(s.subDir, s.subDir); // a link to itself: listing the sub-agents fails (ELOOP)
    const tailer = s.tailer();
    await expect(tailer.poll()).rejects.toThrow();
    expect(tailer.state()).toEqual({ files: {} });
    unlinkSync(s.subDir);
    const retry = await tailer.poll();
    expect(keys(retry.records)).toEqual(["m1"]);
  });

  it("follows the whole subagents/ tree as claude 2.1.328 nests it, archiving each file under its path there", async () => {
    const s = setup();
    writeFileSync(s.main, `${assistantLine({ id: "m1" })}\n`);
    const tailer = s.tailer();
    await tailer.poll();
    // A nested run's sub-agent appears while the session runs.
    mkdirSync(join(s.subDir, "run-1", "deeper"), { recursive: true });
    writeFileSync(join(s.subDir, "run-1", "deeper", "agent-n.jsonl"), `${assistantLine({ id: "m2" })}\n`);
    const poll = await tailer.poll({ final: true });
    expect(keys(poll.records)).toEqual(["m2"]);
    expect([...new Set(poll.entries.map((e) => e.file))]).toEqual(["run-1/deeper/agent-n.jsonl"]);
    // Its offset is kept with the others, and taken back by a tailer restarted from that state.
    const again = s.tailer(tailer.state());
    expect(keys((await again.poll()).records)).toEqual([]);
  });

  it("counts malformed lines of every file and carries on", async () => {
    const s = setup();
    writeFileSync(s.main, `garbage\n${assistantLine({ id: "m1" }).slice(0, 80)}\n${assistantLine({ id: "m2" })}\r\n`);
    writeFileSync(join(s.subDir, "agent-d.jsonl"), `{"type":"assistant","message":{"id":1}}\n`);
    const poll = await s.tailer().poll();
    expect(poll.malformed).toBe(3);
    expect(keys(poll.records)).toEqual(["m2"]); // CRLF line endings parse too
  });
});
