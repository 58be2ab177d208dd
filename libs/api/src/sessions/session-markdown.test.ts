import { describe, expect, it } from "vitest";
import type { Session } from "@stratavore/contracts";
import { renderMarkdown } from "./session-markdown.ts";

const session = {
  id: "s1",
  title: "Fix the parser",
  projectName: "web",
  messageCount: 3,
  totalTokens: 1234,
  costUsd: 0.5,
} as Session;

describe("Markdown export", () => {
  it("renders every entry type readably", () => {
    const md = renderMarkdown(session, [
      {
        file: "",
        entry: {
          type: "user",
          timestamp: "2026-11-25T10:00:00Z",
          message: { role: "user", content: "Please fix the parser" },
        },
      },
      {
        file: "",
        entry: {
          type: "assistant",
          message: {
            role: "assistant",
            model: "claude-sonnet-4-5",
            content: [
              { type: "thinking", thinking: "It is the lexer" },
              { type: "text", text: "Looking at it." },
              { type: "tool_use", name: "Read", input: { file_path: "/src/parser.ts" } },
            ],
          },
        },
      },
      {
        file: "",
        entry: {
          type: "user",
          message: {
            role: "user",
            content: [{ type: "tool_result", content: "export function parse() {}", is_error: false }],
          },
        },
      },
      {
        file: "",
        entry: {
          type: "user",
          message: {
            role: "user",
            content: [{ type: "tool_result", content: [{ type: "text", text: "boom" }], is_error: true }],
          },
        },
      },
      { file: "", entry: { type: "system", content: "Context compacted" } },
      { file: "", entry: { type: "summary", summary: "Parser work so far" } },
      {
        file: "agent-1.jsonl",
        entry: {
          type: "assistant",
          isSidechain: true,
          message: { role: "assistant", content: [{ type: "text", text: "Sub-agent found it" }] },
        },
      },
    ]);
    expect(md).toContain("# Fix the parser");
    expect(md).toContain("## User · 2026-11-25T10:00:00Z");
    expect(md).toContain("Please fix the parser");
    expect(md).toContain("## Assistant (claude-sonnet-4-5)");
    expect(md).toContain("<details><summary>Thinking</summary>");
    expect(md).toContain("**Tool call: Read**");
    expect(md).toContain('"file_path": "/src/parser.ts"');
    expect(md).toContain("**Tool result**");
    expect(md).toContain("**Tool result (error)**");
    expect(md).toContain("boom");
    expect(md).toContain("## System");
    expect(md).toContain("## Compaction summary");
    expect(md).toContain("Parser work so far");
    expect(md).toContain("sub-agent agent-1.jsonl");
  });

  it("fences code that itself contains fences", () => {
    const md = renderMarkdown(session, [
      {
        file: "",
        entry: {
          type: "user",
          message: { role: "user", content: [{ type: "tool_result", content: "```js\nx\n```" }] },
        },
      },
    ]);
    expect(md).toContain("````\n```js");
  });
});
