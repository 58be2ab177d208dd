import { expect, it } from "vitest";
import { parseEntry, splitFences, toolInputPreview } from "./entry-blocks";

const entry = (type: string, role: string | null, raw: unknown, text = "") => ({ type, role, text, raw });

it("reads assistant text, thinking and tool calls", () => {
  const p = parseEntry(
    entry("assistant", "assistant", {
      message: {
        role: "assistant",
        model: "claude-x",
        content: [
          { type: "thinking", thinking: "hmm" },
          { type: "text", text: "hi" },
          { type: "tool_use", name: "Bash", input: { command: "ls" } },
        ],
      },
    }),
  );
  expect(p.kind).toBe("assistant");
  expect(p.model).toBe("claude-x");
  expect(p.blocks.map((b) => b.kind)).toEqual(["thinking", "text", "tool_use"]);
});

it("marks a user line of only tool results as a tool entry, errors included", () => {
  const p = parseEntry(
    entry("user", "user", {
      message: {
        role: "user",
        content: [{ type: "tool_result", is_error: true, content: [{ type: "text", text: "boom" }] }],
      },
    }),
  );
  expect(p.kind).toBe("tool");
  expect(p.blocks).toEqual([{ kind: "tool_result", text: "boom", isError: true }]);
});

it("reads summaries, compactions and falls back to the extracted text", () => {
  expect(parseEntry(entry("summary", null, { type: "summary", summary: "Fixed X" })).blocks).toEqual([
    { kind: "text", text: "Fixed X" },
  ]);
  expect(
    parseEntry(entry("system", null, { subtype: "compact_boundary", content: "Conversation compacted" })).kind,
  ).toBe("compaction");
  expect(parseEntry(entry("user", "user", { isCompactSummary: true, message: { content: "sum" } })).kind).toBe(
    "compaction",
  );
  expect(parseEntry(entry("weird", null, null, "text")).blocks).toEqual([{ kind: "text", text: "text" }]);
});

it("splits fenced code from prose, tolerating an unclosed fence", () => {
  expect(splitFences("a\n```ts\nconst x = 1;\n```\nb")).toEqual([
    { kind: "prose", text: "a\n" },
    { kind: "code", lang: "ts", code: "const x = 1;" },
    { kind: "prose", text: "\nb" },
  ]);
  expect(splitFences("x\n```\nopen")).toEqual([
    { kind: "prose", text: "x\n" },
    { kind: "code", lang: "", code: "open" },
  ]);
  expect(splitFences("plain")).toEqual([{ kind: "prose", text: "plain" }]);
});

it("previews a tool call by its most telling field", () => {
  expect(toolInputPreview({ command: "npm test\nmore" })).toBe("npm test");
  expect(toolInputPreview(null)).toBe("");
});
