import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { claudeConfigDir, type CgroupPreference } from "@stratavore/runner";
import { startAgent } from "./agent.ts";
import type { AgentOptions } from "./agent-options.ts";
import { claudeVersion, findClaudeBinary } from "./claude-binary.ts";

export interface AgentFlags {
  server: string;
  joinToken?: string;
  dataDir?: string;
  name?: string;
  capacity?: number;
  labels?: string[];
  claudeBin?: string;
  heartbeatSeconds?: number;
  /** How often transcripts are read and usage shipped (default 2 s). */
  usageSeconds?: number;
  /** Exit when this process is gone (the local agent of `npm start` follows its server). */
  parentPid?: number;
  /** The server's own local agent: a credential for another address of it still holds (PORT changed). */
  local?: boolean;
  /** auto | v2 | v1 | off */
  cgroups?: CgroupPreference;
  /** Extra environment variable names claude may see. */
  passEnv?: string[];
}

/** What the agent reads from its environment; the app's env.ts fills it. */
export interface AgentEnv {
  home?: string;
  path?: string;
  claudeConfigDir?: string;
  /** The environment passed on to claude. */
  all: Record<string, string | undefined>;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63) || "node";

export async function buildAgentOptions(
  flags: AgentFlags,
  env: AgentEnv,
  log: AgentOptions["log"],
): Promise<AgentOptions> {
  const home = env.home ?? homedir();
  const bin = findClaudeBinary(flags.claudeBin, env.path);
  return {
    serverUrl: flags.server,
    joinToken: flags.joinToken,
    local: flags.local ?? false,
    dataDir: flags.dataDir ?? join(home, ".stratavore", "agent"),
    hello: {
      name: slug(flags.name ?? hostname()),
      hostname: hostname(),
      agentVersion: "0.1.0",
      capacity: flags.capacity ?? 5,
      labels: flags.labels ?? [],
    },
    claudeBin: bin,
    claudeVersion: await claudeVersion(bin, env.all),
    childEnv: env.all,
    passEnv: flags.passEnv ?? [],
    cgroups: flags.cgroups ?? "auto",
    claudeConfigDir: claudeConfigDir(home, env.claudeConfigDir),
    heartbeatMs: (flags.heartbeatSeconds ?? 10) * 1000,
    usageIntervalMs: Math.round((flags.usageSeconds ?? 2) * 1000),
    log,
  };
}

/**
 * Runs the agent as this process's job: SIGINT/SIGTERM stop runners gracefully; any exit,
 * even an uncaught crash, SIGKILLs every runner tree first, so no claude outlives its agent.
 */
export async function runAgentProcess(options: AgentOptions, parentPid?: number): Promise<void> {
  // A server that started this agent reads its log through a pipe; once that server is gone
  // (kill -9) every write fails with EPIPE, which crashed the agent at its next log line instead
  // of letting it notice its parent is gone and stop its runners gracefully.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  const agent = await startAgent(options, (code, message) => {
    options.log("error", "the server refused this node", { code, message });
    process.exit(3);
  });
  process.on("exit", () => agent.supervisor.killAllSync());
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    options.log("info", "agent stopping", { signal });
    // Past what a clean stop may take: each runner's grace (SIGTERM, then SIGKILL after 5 s),
    // then up to 10 s for the server to confirm their exits, and the last shipment.
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    void agent.shutdown().finally(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGHUP", () => stop("SIGHUP"));
  if (parentPid) {
    setInterval(() => {
      try {
        process.kill(parentPid, 0);
      } catch {
        stop("parent exited");
      }
    }, 2000).unref();
  }
}
