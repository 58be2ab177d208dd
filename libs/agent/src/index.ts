export { startAgent, type RunningAgent } from "./agent.ts";
export type { AgentOptions, AgentLog } from "./agent-options.ts";
export { findClaudeBinary, claudeVersion } from "./claude-binary.ts";
export { loadCredential } from "./credential-store.ts";
export { buildAgentOptions, runAgentProcess, type AgentFlags, type AgentEnv } from "./agent-process.ts";
export { addAgentFlags, resolveJoinToken } from "./agent-flags.ts";
export { buildChildEnv } from "./child-env.ts";
