import { describe, expect, it } from "vitest";
import { isSubagentFilePath, transcriptEntrySchema } from "./session.ts";

describe("isSubagentFilePath", () => {
  it("takes a sub-agent file's name or its path in folders under subagents/", () => {
    for (const ok of ["agent-a1.jsonl", "run-1/agent-a1.jsonl", "a/b/c/d/e/f/g/h/agent-x.jsonl", "r.1/agent-x.jsonl"])
      expect(isSubagentFilePath(ok), ok).toBe(true);
  });

  it("refuses anything that could leave the folder or is not a sub-agent transcript", () => {
    for (const bad of [
      "",
      "../agent-a.jsonl",
      "./agent-a.jsonl",
      "run/../agent-a.jsonl",
      "run/./agent-a.jsonl",
      "/agent-a.jsonl",
      "run//agent-a.jsonl",
      "run\\agent-a.jsonl",
      "run/agent-a.jsonl/",
      "run/other.jsonl",
      "agent-a.json",
      "a/b/c/d/e/f/g/h/i/agent-x.jsonl", // nine folders
      `${"r".repeat(100)}/${"s".repeat(100)}/agent-${"x".repeat(50)}.jsonl`, // over 250 characters
    ])
      expect(isSubagentFilePath(bad), bad).toBe(false);
  });

  it("is what an archive entry's file must be", () => {
    const entry = {
      uuid: "u",
      parentUuid: null,
      type: "assistant",
      role: "assistant",
      text: "",
      toolNames: [],
      isSidechain: true,
      timestamp: null,
      offset: 0,
      rawLine: "{}",
    };
    expect(transcriptEntrySchema.safeParse({ ...entry, file: "run-1/agent-x.jsonl" }).success).toBe(true);
    expect(transcriptEntrySchema.safeParse({ ...entry, file: "../agent-x.jsonl" }).success).toBe(false);
  });
});
