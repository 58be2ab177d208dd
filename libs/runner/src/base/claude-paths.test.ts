import { describe, expect, it } from "vitest";
import { claudeConfigDir, encodeProjectDir, transcriptPath } from "./claude-paths.ts";

describe("claude paths", () => {
  it("replaces every non-alphanumeric character of the cwd with '-'", () => {
    expect(encodeProjectDir("/home/ann/my project.v2/src_x")).toBe("-home-ann-my-project-v2-src-x");
    expect(encodeProjectDir("/tmp/ümlaut")).toBe("-tmp--mlaut");
  });

  it("prefers CLAUDE_CONFIG_DIR over ~/.claude", () => {
    expect(claudeConfigDir("/home/ann")).toBe("/home/ann/.claude");
    expect(claudeConfigDir("/home/ann", "")).toBe("/home/ann/.claude");
    expect(claudeConfigDir("/home/ann", "/srv/claude")).toBe("/srv/claude");
  });

  it("puts transcripts under projects/<encoded cwd>/<session>.jsonl", () => {
    expect(transcriptPath("/c", "/w/app", "0a3c5e1e-2b1f-4c58-9d5e-3f0c1a2b3c4d")).toBe(
      "/c/projects/-w-app/0a3c5e1e-2b1f-4c58-9d5e-3f0c1a2b3c4d.jsonl",
    );
  });
});
