import type { AgentEnv } from "@stratavore/agent";

/** The only file of the agent app that reads process.env. */
export function readAgentEnv(
  env: Record<string, string | undefined> = process.env,
): AgentEnv & { server?: string; joinToken?: string; dataDir?: string } {
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
