import type { Command } from "commander";
import { print, printJson } from "../io.ts";
import type { CliContext } from "../options.ts";
import { table } from "../output.ts";
import { resolveRunnerId, RUNNER_ARG_HELP, shortId } from "../runner-ref.ts";
import { runnerSummary } from "../runner-view.ts";
import { connect } from "../session.ts";

type Move = { runnerId: string; from: string; to: string; newRunnerId?: string; error?: string };

const movesTable = (moves: Move[], planned: boolean) =>
  moves.length
    ? table(
        ["RUNNER", "FROM", "TO", planned ? "PLAN" : "NOW"],
        moves.map((m) => [
          shortId(m.runnerId),
          m.from,
          m.to || "-",
          m.error ? `not moved: ${m.error}` : m.newRunnerId ? `resumed as ${shortId(m.newRunnerId)}` : "would move",
        ]),
      )
    : "Nothing to move.";

/**
 * `stratavore runners move`, `runners rebalance` and `nodes evacuate` (drain with migration):
 * conversations stop gracefully on one node and resume on another (runners/move-service.ts).
 */
export function registerMoveCommands(program: Command, { env, io }: CliContext): void {
  // Subcommands of `runners` and `nodes`, which their own files register first.
  const group = (name: string) => {
    const found = program.commands.find((c) => c.name() === name);
    if (!found) throw new Error(`register '${name}' before the move commands`);
    return found;
  };
  const runners = group("runners");
  const nodes = group("nodes");
  runners
    .command("move")
    .description("move a runner's conversation to another node: stopped here, resumed there with the same flags")
    .argument("<runner>", RUNNER_ARG_HELP)
    .option("--node <node>", "the node to move to (default: the least loaded other node that fits)")
    .option("--json", "print the new runner as JSON")
    .action(async (ref: string, opts: { node?: string; json?: boolean }) => {
      const api = await connect(env);
      const id = await resolveRunnerId(api, ref);
      const moved = await api.runners.move.mutate({ id, node: opts.node });
      if (opts.json) return printJson(io, moved);
      print(
        io,
        `Moved: runner ${shortId(id)} resumed as ${shortId(moved.id)} on ${moved.nodeName}\n${runnerSummary(moved)}`,
      );
    });
  runners
    .command("rebalance")
    .description("even out the online nodes by moving runners from the busiest to the idlest (admin)")
    .option("--dry-run", "only say which runners would move")
    .option("--json", "print JSON")
    .action(async (opts: { dryRun?: boolean; json?: boolean }) => {
      const api = await connect(env);
      const moves = await api.nodes.rebalance.mutate({ dryRun: Boolean(opts.dryRun) });
      if (opts.json) return printJson(io, moves);
      print(io, movesTable(moves, Boolean(opts.dryRun)));
    });
  nodes
    .command("evacuate")
    .description("drain a node and move each of its runners to another node (admin)")
    .argument("<node>", "node name or id")
    .option("--json", "print JSON")
    .action(async (ref: string, opts: { json?: boolean }) => {
      const api = await connect(env);
      const moves = await api.nodes.evacuate.mutate({ ref });
      if (opts.json) return printJson(io, moves);
      print(io, movesTable(moves, false));
    });
}
