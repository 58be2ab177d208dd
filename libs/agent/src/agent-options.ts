import type { AgentHello } from "@stratavore/contracts";
import type { CgroupPreference } from "@stratavore/runner";

export interface AgentOptions {
  serverUrl: string;
  /** Needed only until the node has a credential on disk. */
  joinToken?: string;
  /** `--local`: `npm start`'s own agent, whose stored credential follows the server's address. */
  local?: boolean;
  dataDir: string;
  hello: Omit<AgentHello, "claudeVersion">;
  /** Path of `claude`; null when none was found (launches then fail with a clear reason). */
  claudeBin: string | null;
  claudeVersion: string | null;
  /** The agent's environment; claude gets only its allow-listed part (see buildChildEnv). */
  childEnv: Record<string, string | undefined>;
  /** Variable names passed to claude beyond the allow-list (--pass-env). */
  passEnv: string[];
  /** Which cgroup isolation to use (default auto: the best the node allows). */
  cgroups: CgroupPreference;
  /** Where claude keeps `projects/` (CLAUDE_CONFIG_DIR or ~/.claude): transcripts to tail and restore. */
  claudeConfigDir: string;
  heartbeatMs: number;
  /** How often transcripts are read and usage shipped (budgets act within about this + 1 s). */
  usageIntervalMs: number;
  log: (level: "info" | "warn" | "error", msg: string, meta?: Record<string, unknown>) => void;
}

export type AgentLog = AgentOptions["log"];
