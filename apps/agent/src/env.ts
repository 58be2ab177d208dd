import { readFileSync } from "node:fs";
import type { AgentEnv } from "@stratavore/agent";
import { withSecretFiles } from "@stratavore/contracts";

/** The only file of the agent app that reads process.env. */
export function readAgentEnv(
  given: Record<string, string | undefined> = process.env,
): AgentEnv & { server?: string; joinToken?: string; dataDir?: string } {
  const env = withSecretFiles(given, (path) => readFileSync(path, "utf8"));
  return {
    home: env.HOME,
    path: env.PATH,
    claudeConfigDir: env.CLAUDE_CONFIG_DIR,
    all: { ...env },
    server: env.STRATAVORE_SERVER,
    joinToken: env.STRATAVORE_JOIN_TOKEN,
    dataDir: env.STRATAVORE_AGENT_DATA_DIR,
  };
}
