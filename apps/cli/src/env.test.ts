import { describe, expect, it } from "vitest";
import { readCliEnv } from "./env.ts";

describe("readCliEnv", () => {
  it("prefers STRATAVORE_CONFIG_DIR, then XDG_CONFIG_HOME, then ~/.config", () => {
    expect(readCliEnv({ STRATAVORE_CONFIG_DIR: "/c", XDG_CONFIG_HOME: "/x" }, "/home/u").configDir).toBe("/c");
    expect(readCliEnv({ XDG_CONFIG_HOME: "/x" }, "/home/u").configDir).toBe("/x/stratavore");
    expect(readCliEnv({}, "/home/u").configDir).toBe("/home/u/.config/stratavore");
  });

  it("treats empty variables as unset", () => {
    const env = readCliEnv({ STRATAVORE_CONFIG_DIR: "", XDG_CONFIG_HOME: " ", STRATAVORE_TOKEN: "" }, "/h");
    expect(env).toMatchObject({ configDir: "/h/.config/stratavore", server: undefined, token: undefined });
  });

  it("finds Claude Code's projects under CLAUDE_CONFIG_DIR, else ~/.claude", () => {
    expect(readCliEnv({ CLAUDE_CONFIG_DIR: "/cc" }, "/home/u").claudeProjectsDir).toBe("/cc/projects");
    expect(readCliEnv({ CLAUDE_CONFIG_DIR: "" }, "/home/u").claudeProjectsDir).toBe("/home/u/.claude/projects");
  });
});
