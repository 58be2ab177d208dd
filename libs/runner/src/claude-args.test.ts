import { describe, expect, it } from "vitest";
import { buildClaudeArgs } from "./claude-args.ts";
import { ClaudeArgsError } from "./errors.ts";

const ID = "0a3c5e1e-2b1f-4c58-9d5e-3f0c1a2b3c4d";

describe("buildClaudeArgs", () => {
  it("starts a new session under the given id", () => {
    expect(buildClaudeArgs({ mode: "new", sessionId: ID })).toEqual(["--session-id", ID]);
  });

  it("resumes, and forks only when asked", () => {
    expect(buildClaudeArgs({ mode: "resume", sessionId: ID })).toEqual(["--resume", ID]);
    expect(buildClaudeArgs({ mode: "resume", sessionId: ID, fork: true })).toEqual(["--resume", ID, "--fork-session"]);
  });

  it("continues without an id", () => {
    expect(buildClaudeArgs({ mode: "continue" })).toEqual(["--continue"]);
  });

  it("orders flags, model, passthrough flags, then the prompt last", () => {
    expect(buildClaudeArgs({ mode: "new", sessionId: ID, model: "claude-opus-4-1", extraArgs: ["--permission-mode", "acceptEdits"], prompt: "fix the tests" })).toEqual([
      "--session-id", ID, "--model", "claude-opus-4-1", "--permission-mode", "acceptEdits", "fix the tests",
    ]);
  });

  it("keeps a prompt that starts with '-' from being read as a flag", () => {
    expect(buildClaudeArgs({ mode: "continue", prompt: "- list the bugs" })).toEqual(["--continue", "--", "- list the bugs"]);
  });

  it("rejects specs claude would misread, with a typed error", () => {
    const bad = [
      { mode: "resume" },
      { mode: "new" },
      { mode: "new", sessionId: "not-a-uuid" },
      { mode: "resume", sessionId: "123" },
      { mode: "continue", sessionId: ID },
      { mode: "new", sessionId: ID, fork: true },
      { mode: "new", sessionId: ID, model: "--dangerously-skip-permissions" },
      { mode: "new", sessionId: ID, extraArgs: ["a\0b"] },
      { mode: "sideways" },
    ] as const;
    for (const spec of bad) {
      expect(() => buildClaudeArgs(spec as never), JSON.stringify(spec)).toThrow(ClaudeArgsError);
    }
    try {
      buildClaudeArgs({ mode: "resume" });
    } catch (err) {
      expect((err as ClaudeArgsError).code).toBe("INVALID_ARGS");
      expect((err as Error).message).toMatch(/needs a sessionId/);
    }
  });
});
