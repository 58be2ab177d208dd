import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TranscriptEntryInput } from "@stratavore/contracts";
import { transcriptEntrySchema } from "@stratavore/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { transcriptPath } from "../base/claude-paths.ts";
import { tempHome } from "../testing/helpers.ts";
import { SESSION, assistantLine, userLine } from "./fixtures/lines.ts";
import { LineSplitter } from "./line-splitter.ts";
import { TranscriptTailer } from "./transcript-tailer.ts";

const CONFIG_DIR = fileURLToPath(new URL("./fixtures/", import.meta.url));
const MY_APP = join(CONFIG_DIR, "projects", "-home-dev-my-app");
const A = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
const F = "ffffffff-2222-4222-8222-ffffffffffff";
const A_MAIN = join(MY_APP, `${A}.jsonl`);
const A_AGENT = join(MY_APP, A, "subagents", "agent-a7f3c2.jsonl");
const AGENT_FILE = basename(A_AGENT);

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup() {
  const t = tempHome("stv-entries-");
  cleanups.push(t.cleanup);
  const configDir = join(t.home, ".claude");
  const main = transcriptPath(configDir, t.cwd, SESSION);
  mkdirSync(dirname(main), { recursive: true });
  const tailer = (opts: { state?: { files: Record<string, number> }; chunkBytes?: number } = {}) =>
    new TranscriptTailer({ configDir, cwd: t.cwd, sessionId: SESSION, ...opts });
  return { configDir, main, tailer };
}

/** The entry's bytes in its file are exactly its raw line. */
function expectExactOffsets(entries: TranscriptEntryInput[], pathOf: (file: string) => string): void {
  const files = new Map<string, Buffer>();
  for (const e of entries) {
    const path = pathOf(e.file);
    if (!files.has(path)) files.set(path, readFileSync(path));
    const bytes = files.get(path)!;
    expect(bytes.subarray(e.offset, e.offset + Buffer.byteLength(e.rawLine)).toString(), `${e.file}@${e.offset}`).toBe(
      e.rawLine,
    );
    // Starts a line and ends one.
    expect(e.offset === 0 || bytes[e.offset - 1] === 0x0a).toBe(true);
    expect(bytes[e.offset + Buffer.byteLength(e.rawLine)]).toBe(0x0a);
  }
}

describe("LineSplitter.pushLines", () => {
  it("gives each line's byte offset across chunks cut inside multi-byte characters", () => {
    const text = 'a🎉b\né\n\n{"x":"日本"}\r\ntail';
    const bytes = Buffer.from(text);
    for (const size of [1, 2, 3, 5, 64]) {
      const splitter = new LineSplitter();
      const got: Array<{ text: string; start: number; raw?: Buffer }> = [];
      for (let at = 0; at < bytes.length; at += size)
        got.push(...splitter.pushLines(bytes.subarray(at, at + size), at));
      expect(got, `chunk ${size}`).toEqual([
        { text: "a🎉b", start: 0 },
        { text: "é", start: 7 },
        { text: "", start: 10 },
        // The CRLF line's text drops the CR; its bytes keep it, for an exact export.
        { text: '{"x":"日本"}', start: 11, raw: Buffer.from('{"x":"日本"}\r') },
      ]);
      expect(splitter.flush()).toBe("tail");
    }
  });
});

describe("TranscriptTailer entries", () => {
  it("archives every entry of the fixture corpus once, at exact offsets, at any chunk size", async () => {
    for (const chunkBytes of [7, 4096, undefined]) {
      const tailer = new TranscriptTailer({ configDir: CONFIG_DIR, cwd: "/home/dev/my-app", sessionId: A, chunkBytes });
      const { entries: all } = await tailer.poll();
      // Every line is archived (so export gives the file back); lines without a uuid of their
      // own — the L1 summary, lines cut mid-write, snapshots — are keyed by position ("@file:offset").
      // The main file has 33 lines, one of them blank (L19): 32 entries.
      expect(all.filter((e) => e.file === "")).toHaveLength(32);
      expect(all.filter((e) => e.file === AGENT_FILE)).toHaveLength(8);
      expect(all.filter((e) => e.uuid.startsWith("@")).every((e) => e.uuid === `@${e.file}:${e.offset}`)).toBe(true);
      const entries = all.filter((e) => !e.uuid.startsWith("@"));
      const main = entries.filter((e) => e.file === "");
      const agent = entries.filter((e) => e.file === AGENT_FILE);
      // A: L3-L7, L9-L13, L16, L20-L33 have uuids (L17 is cut mid-write, L1 summary has none).
      expect(main, `chunk ${chunkBytes}`).toHaveLength(25);
      // agent: L1-L4, L6-L8 (L5 cut mid-write).
      expect(agent).toHaveLength(7);
      expect(entries).toHaveLength(32); // nothing else
      expect(main[0]).toMatchObject({ uuid: "a-u1", type: "user", offset: main[0]!.offset });
      expect(main.map((e) => e.type)).toContain("attachment");
      expect(agent.map((e) => e.uuid)).toEqual(["s-u1", "s-a0", "s-a1a", "s-a1b", "s-u2", "s-a2", "s-a2r"]);
      expect(agent.every((e) => e.isSidechain)).toBe(true);
      // tool_use names captured, tool_result text searchable.
      expect(main.find((e) => e.uuid === "a-a1c")?.toolNames).toEqual(["Task"]);
      expect(main.find((e) => e.uuid === "a-a1c")?.text).toContain("Find where the login test waits for the network.");
      expect(agent.find((e) => e.uuid === "s-a1b")?.toolNames).toEqual(["Grep"]);
      expect(main.find((e) => e.uuid === "a-u5")?.text).toContain("page.waitForResponse on /api/session");
      expect(agent.find((e) => e.uuid === "s-u2")?.text).toContain("login.spec.ts:42");
      expect(main.find((e) => e.uuid === "a-a1a")?.text).toBe("The refresh races the redirect.");
      for (const e of entries) expect(transcriptEntrySchema.safeParse(e).success, e.uuid).toBe(true);
      expectExactOffsets(entries, (file) => (file === "" ? A_MAIN : A_AGENT));
      // Offsets ascend within a file; main file first.
      expect(main.map((e) => e.offset)).toEqual([...main.map((e) => e.offset)].sort((x, y) => x - y));
      expect(entries.findIndex((e) => e.file !== "")).toBe(main.length);
      expect((await tailer.poll()).entries).toEqual([]);
    }
  });

  it("archives the fork's entries too", async () => {
    const tailer = new TranscriptTailer({
      configDir: CONFIG_DIR,
      cwd: "/home/dev/my-app",
      sessionId: F,
      chunkBytes: 13,
    });
    const { entries } = await tailer.poll();
    expect(entries.map((e) => e.uuid)).toEqual(["f-u4", "f-a1", "f-u5", "f-a2", "f-u8", "f-a3"]);
    expectExactOffsets(entries, () => join(MY_APP, `${F}.jsonl`));
  });

  it("keeps byte offsets exact with multi-byte characters straddling small chunks", async () => {
    const s = setup();
    const lines = [
      userLine("héllo 🎉 wörld 日本語 🧪🧪"),
      assistantLine({ id: "m1", text: "🎉".repeat(33) + "é" }),
      userLine("€".repeat(7) + "𝄞"),
      assistantLine({ id: "m2", text: "done ✅" }),
    ];
    writeFileSync(s.main, `${lines.join("\n")}\n`);
    for (const chunkBytes of [1, 3, 5, 17]) {
      const { entries } = await s.tailer({ chunkBytes }).poll();
      expect(
        entries.map((e) => e.rawLine),
        `chunk ${chunkBytes}`,
      ).toEqual(lines);
      expect(entries.map((e) => e.text)).toEqual([
        "héllo 🎉 wörld 日本語 🧪🧪",
        "🎉".repeat(33) + "é",
        "€".repeat(7) + "𝄞",
        "done ✅",
      ]);
      expectExactOffsets(entries, () => s.main);
    }
    // rawLine is the original bytes.
    const { entries } = await s.tailer({ chunkBytes: 2 }).poll();
    expect(Buffer.concat(entries.map((e) => Buffer.from(`${e.rawLine}\n`)))).toEqual(readFileSync(s.main));
  });

  it("emits a growing line's entry once, in the poll that completes it, and not again after a restart", async () => {
    const s = setup();
    const a = userLine("first 🎉");
    const b = assistantLine({ id: "m_b", text: "ü".repeat(40) });
    const cut = Buffer.from(b).subarray(0, 101); // ends inside a 2-byte 'ü'
    writeFileSync(s.main, Buffer.concat([Buffer.from(`${a}\n`), cut]));
    const tailer = s.tailer({ chunkBytes: 4 });
    const first = await tailer.poll();
    expect(first.entries.map((e) => e.rawLine)).toEqual([a]);

    appendFileSync(s.main, Buffer.concat([Buffer.from(b).subarray(101), Buffer.from("\n")]));
    const second = await tailer.poll();
    expect(second.entries.map((e) => e.rawLine)).toEqual([b]);
    expect(second.entries[0]!.offset).toBe(Buffer.byteLength(a) + 1);
    expectExactOffsets([...first.entries, ...second.entries], () => s.main);
    expect((await tailer.poll()).entries).toEqual([]);

    // A tailer resumed from the saved state re-emits nothing; a later line is new.
    const resumed = s.tailer({ state: tailer.state() });
    expect((await resumed.poll()).entries).toEqual([]);
    const c = userLine("third");
    appendFileSync(s.main, `${c}\n`);
    const third = await resumed.poll();
    expect(third.entries.map((e) => [e.rawLine, e.offset])).toEqual([[c, Buffer.byteLength(`${a}\n${b}\n`)]]);
    expect((await tailer.poll()).entries.map((e) => e.rawLine)).toEqual([c]); // the old one reads it too, once
  });

  it("resumes an unfinished line from the saved state and emits it whole, once", async () => {
    const s = setup();
    const a = userLine("one");
    const b = userLine("two 🎉🎉");
    writeFileSync(s.main, `${a}\n${b.slice(0, 30)}`);
    const tailer = s.tailer();
    expect((await tailer.poll()).entries).toHaveLength(1);
    appendFileSync(s.main, `${b.slice(30)}\n`);
    const resumed = s.tailer({ state: tailer.state(), chunkBytes: 3 });
    const { entries } = await resumed.poll();
    expect(entries.map((e) => [e.rawLine, e.offset])).toEqual([[b, Buffer.byteLength(a) + 1]]);
  });
});
