import { Command, InvalidArgumentError } from "commander";
import { buildAgentOptions, runAgentProcess } from "@stratavore/agent";
import { readAgentEnv } from "./env.ts";

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
};

/** `node --import tsx apps/agent/src/main.ts --server URL --join-token T` (also `stratavore agent`). */
const env = readAgentEnv();
const program = new Command("stratavore-agent")
  .description("Stratavore node agent: runs Claude Code runners on this machine for a server")
  .requiredOption("--server <url>", "server URL", env.server)
  .option("--join-token <token>", "single-use join token (first start only)", env.joinToken)
  .option("--data-dir <dir>", "where the node credential and runner logs live (default ~/.stratavore/agent)", env.dataDir)
  .option("--name <name>", "node name (default: hostname)")
  .option("--capacity <n>", "most runners at once", int, 5)
  .option("--labels <list>", "comma-separated labels", (v) => v.split(",").map((s) => s.trim()).filter(Boolean), [])
  .option("--claude-bin <path>", "claude executable (default: PATH, then the npm package)")
  .option("--heartbeat-seconds <n>", "heartbeat interval", int, 10)
  .option("--usage-seconds <s>", "how often transcripts are read and usage shipped", Number, 2)
  .option("--parent-pid <pid>", "exit when this process exits", int)
  .action(async (flags) => {
    const log = (level: string, msg: string, meta?: Record<string, unknown>) => process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...meta }) + "\n");
    await runAgentProcess(await buildAgentOptions(flags, env, log), flags.parentPid);
  });

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`stratavore-agent: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
