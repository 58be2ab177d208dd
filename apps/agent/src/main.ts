import { Command } from "commander";
import { addAgentFlags, buildAgentOptions, resolveJoinToken, runAgentProcess } from "@stratavore/agent";
import { readAgentEnv } from "./env.ts";

/** `node --import tsx apps/agent/src/main.ts --server URL --join-token T` (also `stratavore agent`). */
const env = readAgentEnv();
const program = addAgentFlags(
  new Command("stratavore-agent").description(
    "Stratavore node agent: runs Claude Code runners on this machine for a server",
  ),
  env,
).action(async (flags) => {
  const log = (level: string, msg: string, meta?: Record<string, unknown>) =>
    process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...meta }) + "\n");
  const joinToken = await resolveJoinToken(flags.joinToken, process.stdin);
  await runAgentProcess(await buildAgentOptions({ ...flags, joinToken }, env, log), flags.parentPid);
});

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`stratavore-agent: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
