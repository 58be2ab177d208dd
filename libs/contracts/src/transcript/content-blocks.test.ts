import { describe, expect, it } from "vitest";
import { readContentBlocks, toolResultText } from "./content-blocks.ts";

describe("reading Claude message content", () => {
  it("reads every block kind, in order", () => {
    const content = [
      { type: "thinking", thinking: "plan" },
      { type: "redacted_thinking", data: "xyz" },
      { type: "text", text: "Hello" },
      { type: "tool_use", name: "Bash", input: { command: "ls" } },
      { type: "server_tool_use", name: "web_search", input: { query: "q" } },
      {
        type: "tool_result",
        content: [
          { type: "text", text: "a" },
          { type: "image", source: {} },
          { type: "text", text: "b" },
        ],
        is_error: true,
      },
      { type: "image", source: { type: "base64" } },
    ];
    expect(readContentBlocks(content)).toEqual([
      { kind: "thinking", text: "plan", redacted: false },
      { kind: "thinking", text: "(redacted)", redacted: true },
      { kind: "text", text: "Hello" },
      { kind: "tool_use", name: "Bash", input: { command: "ls" } },
      { kind: "tool_use", name: "web_search", input: { query: "q" } },
      { kind: "tool_result", text: "a\n[image]\nb", isError: true },
      { kind: "image" },
    ]);
  });

  it("gives nothing for null, numbers, objects, empty text and unknown or malformed blocks; never throws", () => {
    for (const c of [null, undefined, 42, { type: "text", text: "x" }, "", []])
      expect(readContentBlocks(c)).toEqual([]);
    expect(
      readContentBlocks([
        null,
        7,
        "s",
        { type: "text" },
        { type: "text", text: 5 },
        { type: "document" },
        { type: "thinking" },
      ]),
    ).toEqual([]);
    expect(readContentBlocks([{ type: "tool_use" }])).toEqual([{ kind: "tool_use", name: "tool", input: undefined }]);
  });

  it("reads a tool result's content as text: string, blocks, JSON for anything else, capped when asked", () => {
    expect(toolResultText("plain")).toBe("plain");
    expect(toolResultText(null)).toBe("");
    expect(toolResultText({ exitCode: 0 })).toBe('{\n  "exitCode": 0\n}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toolResultText(cyclic)).toBe("");
    const many = Array.from({ length: 100 }, () => ({ type: "text", text: "0123456789" }));
    expect(toolResultText(many, 25).split("\n")).toHaveLength(3);
  });
});
