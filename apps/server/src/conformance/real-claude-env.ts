import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

/** The real binary: npm package @anthropic-ai/claude-code (a devDependency, installed by `npm ci`). */
export const REAL_CLAUDE = resolve(
  import.meta.dirname,
  "../../../../node_modules/@anthropic-ai/claude-code/bin/claude.exe",
);
export const hasRealClaude = existsSync(REAL_CLAUDE);
export const STUB_KEY = "sk-ant-api03-stratavore-local-stub-key-0000000000";

/** Values a runner must never see (DESIGN §2): they stand for the server's own secrets. */
export const CANARIES = {
  DATABASE_URL: "postgresql://canary-user:canary-db-password@127.0.0.1:1/canary",
  STRATAVORE_SECRET: "canary-stratavore-secret-0123456789abcdef",
  STRATAVORE_S3_SECRET_ACCESS_KEY: "canary-s3-secret",
  STRATAVORE_EMBEDDINGS_API_KEY: "canary-embeddings-key",
  AWS_SECRET_ACCESS_KEY: "canary-aws-secret",
  QDRANT_API_KEY: "canary-qdrant-key",
};

/**
 * A claude config that has passed the three first-run gates a real user's config has
 * (stack.md), trusting each of `cwds`.
 */
export async function seedClaudeConfig(config: string, cwds: string[]): Promise<void> {
  await mkdir(config, { recursive: true });
  const projects = Object.fromEntries(cwds.map((cwd) => [cwd, { hasTrustDialogAccepted: true }]));
  await writeFile(
    join(config, ".claude.json"),
    JSON.stringify({
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: [STUB_KEY.slice(-20)], rejected: [] },
      projects,
    }),
  );
}

/** The agent's environment: the stub as the API, nothing sent elsewhere, and the canaries. */
export function realClaudeAgentEnv(config: string, stubUrl: string): Record<string, string> {
  return {
    CLAUDE_CONFIG_DIR: config,
    ANTHROPIC_BASE_URL: stubUrl,
    ANTHROPIC_API_KEY: STUB_KEY,
    DISABLE_TELEMETRY: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    TERM: "xterm-256color",
    ...CANARIES,
  };
}

/** Flags every conformance runner gets: the `auto` permission mode would wait on a dialog (stack.md). */
export const TOOL_FLAGS = ["--permission-mode", "acceptEdits", "--allowedTools", "Bash", "Agent"];
