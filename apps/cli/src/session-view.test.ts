import { describe, expect, it } from "vitest";
import { highlight, renderTranscript, toolCall, type TranscriptLine } from "./session-view.ts";

const entry = (raw: unknown, extra: Partial<TranscriptLine> = {}): TranscriptLine => ({
  id: "1",
  type: "user",
  role: null,
  text: "",
  toolNames: [],
  isSidechain: false,
  timestamp: null,
  file: "",
  raw,
  ...extra,
});

describe("highlight", () => {
  it("brackets matches when piped and bolds them on a terminal", () => {
    expect(highlight("the <mark>zebra</mark>\nparser", { tty: false })).toBe("the [zebra] parser");
    expect(highlight("the <mark>zebra</mark>", { tty: true })).toBe("the \x1b[1mzebra\x1b[22m");
  });
});

describe("toolCall", () => {
  it("shows the telling argument, else the input as JSON, cut short", () => {
    expect(toolCall("Bash", { command: "ls -la", description: "list" })).toBe("⚙ Bash(ls -la)");
    expect(toolCall("TodoWrite", { todos: [] })).toBe('⚙ TodoWrite({"todos":[]})');
    expect(toolCall("Noop", {})).toBe("⚙ Noop()");
    expect(toolCall("Bash", { command: "x".repeat(200) })).toHaveLength(2 + 4 + 80 + 2);
  });
});

describe("renderTranscript", () => {
  it("labels tool results, skips bookkeeping lines and clips long output", () => {
    const long = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    const text = renderTranscript([
      entry({ type: "file-history-snapshot", snapshot: {} }, { type: "file-history-snapshot" }),
      entry({
        type: "user",
        message: { role: "user", content: [{ type: "tool_result", content: long, is_error: true }] },
      }),
      entry({ type: "system", content: "Conversation compacted" }, { type: "system" }),
      entry(
        { type: "assistant", message: { role: "assistant", content: [{ type: "thinking", thinking: "hmm" }] } },
        { file: "agent-1.jsonl" },
      ),
    ]);
    expect(text).toBe(
      [
        "tool",
        "  ✗ error: line 0",
        ...Array.from({ length: 7 }, (_, i) => `    line ${i + 1}`),
        "    … (12 more lines)",
        "",
        "system",
        "  Conversation compacted",
        "",
        "assistant · sub-agent agent-1.jsonl",
        "  ✻ thinking: hmm",
        "",
      ].join("\n"),
    );
  });

  it("falls back to the searchable text when the line did not parse", () => {
    expect(renderTranscript([entry(null, { text: "plain" })])).toBe("user\n  plain\n");
    expect(renderTranscript([])).toBe("(no transcript archived)\n");
  });
});
