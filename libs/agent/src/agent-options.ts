import type { AgentHello } from "@stratavore/contracts";

export interface AgentOptions {
  serverUrl: string;
  /** Needed only until the node has a credential on disk. */
  joinToken?: string;
  dataDir: string;
  hello: Omit<AgentHello, "claudeVersion">;
  /** Path of `claude`; null when none was found (launches then fail with a clear reason). */
  claudeBin: string | null;
  claudeVersion: string | null;
  /** Environment given to every claude (the agent's own, usually). */
  childEnv: Record<string, string | undefined>;
  /** Where claude keeps `projects/` (CLAUDE_CONFIG_DIR or ~/.claude), for session detection. */
  claudeConfigDir: string;
  heartbeatMs: number;
  /** How often transcripts are read and usage shipped (budgets act within about this + 1 s). */
  usageIntervalMs: number;
  log: (level: "info" | "warn" | "error", msg: string, meta?: Record<string, unknown>) => void;
}

export type AgentLog = AgentOptions["log"];
