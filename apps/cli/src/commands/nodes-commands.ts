import type { Command } from "commander";
import { CliError, usageError } from "../cli-error.ts";
import { ask, print, printJson } from "../io.ts";
import { nodeDetail, nodeTable } from "../node-view.ts";
import type { CliContext } from "../options.ts";
import { connect } from "../session.ts";
import { registerJoinTokenCommands } from "./join-token-commands.ts";

export function registerNodeCommands(program: Command, ctx: CliContext): void {
  const { env, io } = ctx;
  const nodes = program
    .command("nodes")
    .alias("node")
    .description("list and manage the machines whose agents run runners");

  nodes
    .command("list", { isDefault: true })
    .alias("ls")
    .description("list nodes (the default for 'stratavore nodes')")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const api = await connect(env);
      const list = await api.nodes.list.query();
      if (opts.json) return printJson(io, list);
      print(
        io,
        list.length
          ? nodeTable(list)
          : "No nodes yet; 'stratavore join-token create' prints the command that adds one.",
      );
    });

  nodes
    .command("show")
    .description("show one node")
    .argument("<node>", "node name or id")
    .option("--json", "print JSON")
    .action(async (ref: string, opts: { json?: boolean }) => {
      const api = await connect(env);
      const node = await api.nodes.get.query({ ref });
      if (opts.json) return printJson(io, node);
      print(io, nodeDetail(node));
    });

  for (const [verb, description, done] of [
    ["drain", "stop placing new runners on a node; its runners keep going (admin)", "Draining"],
    ["undrain", "let a drained node take new runners again (admin)", "Undrained"],
  ] as const) {
    nodes
      .command(verb)
      .description(description)
      .argument("<node>", "node name or id")
      .option("--json", "print the node as JSON")
      .action(async (ref: string, opts: { json?: boolean }) => {
        const api = await connect(env);
        const node = await api.nodes[verb].mutate({ ref });
        if (opts.json) return printJson(io, node);
        print(io, `${done} node ${node.name}\n${nodeDetail(node)}`);
      });
  }

  nodes
    .command("revoke")
    .description("cut a node off for good: its agent is disconnected and its credential stops working (admin)")
    .argument("<node>", "node name or id")
    .option("-y, --yes", "do not ask for confirmation (required when stdin is not a terminal)")
    .option("--json", "print the node as JSON")
    .action(async (ref: string, opts: { yes?: boolean; json?: boolean }) => {
      if (!opts.yes && !io.interactive)
        throw usageError(`Refusing to revoke '${ref}' without --yes: stdin is not a terminal.`);
      const api = await connect(env);
      const node = await api.nodes.get.query({ ref });
      if (!opts.yes) {
        const answer = await ask(
          io,
          `Revoke node '${node.name}' (${node.hostname}, ${node.activeRunners} active runners)? Type its name to confirm: `,
        );
        if (answer !== node.name) throw new CliError("ABORTED", "Confirmation did not match; nothing was revoked.");
      }
      const revoked = await api.nodes.revoke.mutate({ ref: node.id });
      if (opts.json) return printJson(io, revoked);
      print(io, `Revoked node ${revoked.name}; a new join token is needed to add this machine again.`);
    });

  registerJoinTokenCommands(program, ctx);
}
