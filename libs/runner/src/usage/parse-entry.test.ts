import { RAW_PART_BYTES, transcriptEntrySchema } from "@stratavore/contracts";
import { describe, expect, it } from "vitest";
import {
  ENTRY_TEXT_MAX,
  RAW_LINE_MAX,
  TOOL_INPUT_TEXT_MAX,
  TOOL_RESULT_TEXT_MAX,
  parseTranscriptEntry,
  transcriptEntries,
} from "./parse-entry.ts";
import { assistantLine, userLine } from "./fixtures/lines.ts";

const POS = { file: "", offset: 0 };
const line = (o: Record<string, unknown>) =>
  JSON.stringify({ uuid: "u1", parentUuid: "p0", isSidechain: false, timestamp: "2026-03-01T09:00:00.000Z", ...o });
const parse = (o: Record<string, unknown>) => parseTranscriptEntry(line(o), POS);

describe("parseTranscriptEntry", () => {
  it("keeps the line, its position and the line's own fields", () => {
    const raw = userLine("fix the flaky test 🎉");
    const e = parseTranscriptEntry(raw, { file: "agent-1.jsonl", offset: 1234 });
    expect(e).toEqual({
      uuid: "u-21", // userLine ids by UTF-16 length
      parentUuid: null,
      type: "user",
      role: "user",
      text: "fix the flaky test 🎉",
      toolNames: [],
      isSidechain: false,
      timestamp: "2026-03-01T08:59:00.000Z",
      file: "agent-1.jsonl",
      offset: 1234,
      rawLine: raw,
    });
    expect(transcriptEntrySchema.safeParse(e).success).toBe(true);
  });

  it("reads a line that starts with a byte-order mark (an editor's save) as the entry it is, keeping the mark in the raw line", () => {
    const raw = `\uFEFF${userLine("the prompt after a BOM")}`;
    const e = parseTranscriptEntry(raw, POS);
    // It was archived as malformed: its prompt unsearchable and the title wrong (the accounting review).
    expect(e).toMatchObject({ type: "user", text: "the prompt after a BOM", rawLine: raw });
  });

  it("collects text, thinking, tool calls and tool results as searchable text", () => {
    const e = parse({
      type: "assistant",
      isSidechain: true,
      message: {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "the refresh races the redirect", signature: "s" },
          { type: "text", text: "Looking." },
          { type: "tool_use", id: "t1", name: "Grep", input: { pattern: "waitFor", path: "apps" } },
          { type: "tool_use", id: "t2", name: "Grep", input: { pattern: "x" } },
          { type: "tool_use", id: "t3", name: "Read", input: { file_path: "/a.ts" } },
          { type: "image", source: { type: "base64", data: "AAAA" } },
        ],
      },
    });
    expect(e?.text).toBe(
      [
        "the refresh races the redirect",
        "Looking.",
        'Grep {"pattern":"waitFor","path":"apps"}',
        'Grep {"pattern":"x"}',
        'Read {"file_path":"/a.ts"}',
      ].join("\n"),
    );
    expect(e?.toolNames).toEqual(["Grep", "Read"]);
    expect([e?.role, e?.isSidechain, e?.parentUuid]).toEqual(["assistant", true, "p0"]);
  });

  it("takes tool results as a string or as text blocks, capped", () => {
    const asString = parse({
      type: "user",
      message: {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "t", content: "found at login.spec.ts:42" }],
      },
    });
    expect(asString?.text).toBe("found at login.spec.ts:42");
    const asBlocks = parse({
      type: "user",
      message: {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "t",
            content: [{ type: "text", text: "a" }, { type: "image" }, { type: "text", text: "b" }],
          },
        ],
      },
    });
    // As every viewer shows it (one reader of content blocks, libs/contracts).
    expect(asBlocks?.text).toBe("a\n[image]\nb");
    const big = parse({
      type: "user",
      message: { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "r".repeat(9000) }] },
    });
    expect(big?.text).toBe("r".repeat(TOOL_RESULT_TEXT_MAX));
    const bigInput = parse({
      type: "assistant",
      message: {
        role: "assistant",
        content: [{ type: "tool_use", name: "Write", input: { content: "w".repeat(9000) } }],
      },
    });
    expect(bigInput?.text.length).toBe(TOOL_INPUT_TEXT_MAX);
    expect(bigInput?.text.startsWith('Write {"content":"www')).toBe(true);
  });

  it("caps the total text without splitting a surrogate pair, and drops NULs", () => {
    const blocks = Array.from({ length: 30 }, () => ({ type: "text", text: "🎉".repeat(4000) }));
    const e = parse({ type: "assistant", message: { role: "assistant", content: blocks } });
    expect(e!.text.length).toBeLessThanOrEqual(ENTRY_TEXT_MAX);
    expect(e!.text.length).toBeGreaterThan(ENTRY_TEXT_MAX - 2);
    expect(e!.text.endsWith("🎉")).toBe(true);
    expect(transcriptEntrySchema.safeParse(e).success).toBe(true);
    expect(parse({ type: "user", message: { role: "user", content: "a\u0000b" } })?.text).toBe("ab");
  });

  it("archives every type with a uuid: summary, system, attachment", () => {
    expect(parse({ type: "summary", summary: "Flaky login test" })?.text).toBe("Flaky login test");
    expect(parse({ type: "system", subtype: "compact_boundary", content: "Conversation compacted" })).toMatchObject({
      type: "system",
      role: null,
      text: "Conversation compacted",
    });
    expect(parse({ type: "attachment", attachment: { type: "todo", content: [] } })).toMatchObject({
      type: "attachment",
      text: "",
      toolNames: [],
    });
  });

  it("archives lines without a uuid under their position, keeps non-JSON as malformed, and skips only blank lines", () => {
    const key = `@${POS.file}:${POS.offset}`;
    expect(parseTranscriptEntry('{"type":"summary","summary":"s","leafUuid":"x"}', POS)).toMatchObject({
      uuid: key,
      type: "summary",
      text: "s",
    });
    expect(parseTranscriptEntry('{"type":"file-history-snapshot","messageId":"m"}', POS)).toMatchObject({
      uuid: key,
      type: "file-history-snapshot",
    });
    const cutLine = line({ type: "user" }).slice(0, 40);
    expect(parseTranscriptEntry(cutLine, POS)).toMatchObject({ uuid: key, type: "malformed", rawLine: cutLine }); // cut mid-write
    expect(parseTranscriptEntry('not json "uuid"', POS)).toMatchObject({ type: "malformed" });
    expect(parseTranscriptEntry('["uuid"]', POS)).toMatchObject({ type: "malformed" });
    expect(parseTranscriptEntry("", POS)).toBeNull();
    expect(parseTranscriptEntry("   ", POS)).toBeNull();
    expect(parse({ type: undefined })).toMatchObject({ type: "unknown" });
    expect(parse({ type: "user", uuid: 7 })).toMatchObject({ uuid: key });
    expect(parse({ type: "user", uuid: "u".repeat(101) })).toMatchObject({ uuid: key });
  });

  it("nulls or drops fields the contract would reject instead of losing the line", () => {
    const e = parse({
      type: "user",
      parentUuid: 5,
      timestamp: "yesterday",
      isSidechain: "yes",
      message: { role: "x".repeat(30), content: 42 },
    });
    expect(e).toMatchObject({ parentUuid: null, timestamp: null, isSidechain: false, role: null, text: "" });
    expect(transcriptEntrySchema.safeParse(e).success).toBe(true);
    const names = Array.from({ length: 60 }, (_, i) => ({
      type: "tool_use",
      name: `T${i}`.padEnd(150, "x"),
      input: {},
    }));
    const many = parse({ type: "assistant", message: { role: "assistant", content: names } });
    expect(many?.toolNames).toHaveLength(50);
    expect(many?.toolNames[0]).toHaveLength(100);
    expect(transcriptEntrySchema.safeParse(many).success).toBe(true);
  });

  it("keeps an assistant usage line verbatim", () => {
    const raw = assistantLine({ id: "msg_x", text: "héllo 🎉" });
    expect(parseTranscriptEntry(raw, POS)).toMatchObject({
      uuid: "u-msg_x-12",
      type: "assistant",
      role: "assistant",
      text: "héllo 🎉",
      rawLine: raw,
    });
  });

  it("cuts only a raw line beyond the contract's cap", () => {
    const raw = line({
      type: "user",
      message: {
        role: "user",
        content: [
          { type: "image", source: { data: "A".repeat(RAW_LINE_MAX) } },
          { type: "text", text: "see screenshot" },
        ],
      },
    });
    const e = parseTranscriptEntry(raw, POS);
    expect(e?.text).toBe("see screenshot");
    expect(e?.rawLine).toHaveLength(RAW_LINE_MAX);
    expect(transcriptEntrySchema.safeParse(e).success).toBe(true);
  });
});

describe("transcriptEntries", () => {
  const pos = { file: "", offset: 40 };

  it("is the entry alone for a line its text gives back exactly", () => {
    const line = JSON.stringify({ type: "user", uuid: "u-1", message: { content: "hi" } });
    expect(transcriptEntries(line, pos)).toEqual([parseTranscriptEntry(line, pos)]);
  });

  it("carries the bytes of a line its text cannot give back, in parts under the transport's limit, which joined are the line", () => {
    const big = Buffer.concat([
      Buffer.from('{"type":"user","uuid":"u-2","message":{"content":"'),
      Buffer.alloc(2 * RAW_PART_BYTES + 123, 0x61),
      Buffer.from([0xff]),
      Buffer.from('"}}'),
    ]);
    const text = big.toString("utf8");
    const entries = transcriptEntries(text, pos, big);
    expect(entries.map((e) => e.rawBytes?.part)).toEqual([0, 1, 2]);
    expect(entries.every((e) => e.rawBytes?.parts === 3 && e.uuid === "u-2" && e.offset === 40)).toBe(true);
    for (const e of entries) expect(transcriptEntrySchema.safeParse(e).success).toBe(true);
    // Only the first carries the searchable text; the joined parts are the line, byte for byte.
    expect(entries.slice(1).every((e) => e.text === "" && e.rawLine === "")).toBe(true);
    const joined = Buffer.concat(entries.map((e) => Buffer.from(e.rawBytes!.base64, "base64")));
    expect(joined.equals(big)).toBe(true);
  });

  it("keeps the bytes of a valid line longer than rawLine may be, which is cut", () => {
    const line = JSON.stringify({ type: "user", uuid: "u-3", message: { content: "é".repeat(RAW_LINE_MAX) } });
    const entries = transcriptEntries(line, pos);
    expect(entries[0]!.rawLine.length).toBeLessThanOrEqual(RAW_LINE_MAX);
    const joined = Buffer.concat(entries.map((e) => Buffer.from(e.rawBytes!.base64, "base64")));
    expect(joined.toString("utf8")).toBe(line);
  });

  it("gives nothing for a blank line", () => {
    expect(transcriptEntries("  ", pos)).toEqual([]);
  });
});
