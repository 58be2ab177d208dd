import type { Command } from "commander";
import { addAgentFlags, buildAgentOptions, resolveJoinToken, runAgentProcess } from "@stratavore/agent";
import type { CliContext } from "../options.ts";

/** `stratavore agent`: run this machine as a node of a server (the same agent as apps/agent). */
export function registerAgentCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command("agent")
    .description("run the node agent on this machine: dials the server and runs Claude Code runners");
  addAgentFlags(command, { server: ctx.env.server, joinToken: ctx.env.agent.joinToken }).action(async (flags) => {
    const log = (level: string, msg: string, meta?: Record<string, unknown>) =>
      ctx.io.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), level, msg, ...meta })}\n`);
    // Runs until SIGINT/SIGTERM; the process stays alive on the agent's socket and timers.
    const joinToken = await resolveJoinToken(flags.joinToken, ctx.io.stdin);
    await runAgentProcess(await buildAgentOptions({ ...flags, joinToken }, ctx.env.agent, log), flags.parentPid);
  });
}
