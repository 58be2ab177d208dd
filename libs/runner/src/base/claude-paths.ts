import { join } from "node:path";

/** Claude Code's project folder name: the cwd with every non-alphanumeric character as '-'. */
export function encodeProjectDir(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, "-");
}

/** `CLAUDE_CONFIG_DIR` moves `.claude.json`, `projects/` and `sessions/` together (stack.md). */
export function claudeConfigDir(home: string, claudeConfigDirEnv?: string): string {
  return claudeConfigDirEnv ? claudeConfigDirEnv : join(home, ".claude");
}

export function projectTranscriptDir(configDir: string, cwd: string): string {
  return join(configDir, "projects", encodeProjectDir(cwd));
}

export function transcriptPath(configDir: string, cwd: string, sessionId: string): string {
  return join(projectTranscriptDir(configDir, cwd), `${sessionId}.jsonl`);
}
