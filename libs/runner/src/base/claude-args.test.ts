import { describe, expect, it } from "vitest";
import { buildClaudeArgs, ownSessionId } from "./claude-args.ts";
import { ClaudeArgsError } from "./errors.ts";

const ID = "0a3c5e1e-2b1f-4c58-9d5e-3f0c1a2b3c4d";
const FORK = "7d1e0c44-9a0b-4f5e-8c21-55aa0b1c2d3e";

describe("buildClaudeArgs", () => {
  it("starts a new session under the given id", () => {
    expect(buildClaudeArgs({ mode: "new", sessionId: ID })).toEqual(["--session-id", ID]);
  });

  it("resumes in place, or forks into a session id fixed before launch", () => {
    expect(buildClaudeArgs({ mode: "resume", sessionId: ID })).toEqual(["--resume", ID]);
    expect(buildClaudeArgs({ mode: "resume", sessionId: ID, forkSessionId: FORK })).toEqual([
      "--resume",
      ID,
      "--fork-session",
      "--session-id",
      FORK,
    ]);
    expect(ownSessionId({ mode: "resume", sessionId: ID, forkSessionId: FORK })).toBe(FORK);
    expect(ownSessionId({ mode: "resume", sessionId: ID })).toBe(ID);
  });

  it("puts the prompt after '--', behind flags that take several values", () => {
    expect(
      buildClaudeArgs({
        mode: "new",
        sessionId: ID,
        model: "claude-opus-4-1",
        extraArgs: ["--allowedTools", "Bash", "Edit"],
        prompt: "fix the tests",
      }),
    ).toEqual([
      "--session-id",
      ID,
      "--model",
      "claude-opus-4-1",
      "--allowedTools",
      "Bash",
      "Edit",
      "--",
      "fix the tests",
    ]);
    expect(buildClaudeArgs({ mode: "resume", sessionId: ID, prompt: "- list the bugs" })).toEqual([
      "--resume",
      ID,
      "--",
      "- list the bugs",
    ]);
    expect(buildClaudeArgs({ mode: "new", sessionId: ID, prompt: "" })).toEqual(["--session-id", ID]);
  });

  it("rejects specs claude would misread, with a typed error", () => {
    const bad = [
      { mode: "resume" },
      { mode: "new" },
      { mode: "new", sessionId: "not-a-uuid" },
      { mode: "resume", sessionId: "123" },
      { mode: "continue", sessionId: ID },
      { mode: "new", sessionId: ID, forkSessionId: FORK },
      { mode: "resume", sessionId: ID, forkSessionId: ID },
      { mode: "resume", sessionId: ID, forkSessionId: "x" },
      { mode: "new", sessionId: ID, model: "--dangerously-skip-permissions" },
      { mode: "new", sessionId: ID, extraArgs: ["a\0b"] },
      { mode: "new", sessionId: ID, extraArgs: ["--", "x"] },
      { mode: "new", sessionId: ID, extraArgs: ["--continue"] },
      { mode: "new", sessionId: ID, extraArgs: ["--resume", FORK] },
      { mode: "new", sessionId: ID, extraArgs: [`--session-id=${FORK}`] },
      { mode: "resume", sessionId: ID, extraArgs: ["--fork-session"] },
      { mode: "sideways" },
    ] as const;
    for (const spec of bad) {
      expect(() => buildClaudeArgs(spec as never), JSON.stringify(spec)).toThrow(ClaudeArgsError);
    }
    expect(() => buildClaudeArgs({ mode: "resume" } as never)).toThrow(/sessionId is required/);
  });
});
