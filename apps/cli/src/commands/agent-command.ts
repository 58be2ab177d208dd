import { InvalidArgumentError, type Command } from "commander";
import { buildAgentOptions, runAgentProcess } from "@stratavore/agent";
import type { CliContext } from "../options.ts";

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
};

/** `stratavore agent`: run this machine as a node of a server (the same agent as apps/agent). */
export function registerAgentCommand(program: Command, ctx: CliContext): void {
  program
    .command("agent")
    .description("run the node agent on this machine: dials the server and runs Claude Code runners")
    .requiredOption("--server <url>", "server URL", ctx.env.server)
    .option("--join-token <token>", "single-use join token (needed only the first time)")
    .option("--data-dir <dir>", "node credential and state (default ~/.stratavore/agent)")
    .option("--name <name>", "node name (default: hostname)")
    .option("--capacity <n>", "most runners at once", positive, 5)
    .option("--labels <list>", "comma-separated labels", (v: string) => v.split(",").map((s) => s.trim()).filter(Boolean), [])
    .option("--claude-bin <path>", "claude executable (default: PATH, then the npm package)")
    .option("--heartbeat-seconds <n>", "heartbeat interval", positive, 10)
    .action(async (flags) => {
      const log = (level: string, msg: string, meta?: Record<string, unknown>) => ctx.io.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), level, msg, ...meta })}\n`);
      // Runs until SIGINT/SIGTERM; the process stays alive on the agent's socket and timers.
      await runAgentProcess(await buildAgentOptions(flags, ctx.env.agent, log));
    });
}
