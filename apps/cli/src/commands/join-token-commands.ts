import type { Command } from "commander";
import { agentCommandLine } from "@stratavore/contracts";
import { print, printJson } from "../io.ts";
import { joinTokenTable } from "../node-view.ts";
import { positiveInt, type CliContext } from "../options.ts";
import { formatDate } from "../output.ts";
import { clientFor, connect, resolveConnection } from "../session.ts";
import { isLoopback } from "../loopback.ts";

export function registerJoinTokenCommands(program: Command, { env, io }: CliContext): void {
  const tokens = program
    .command("join-token")
    .alias("join-tokens")
    .description("single-use tokens that let a new machine's agent join (admin)");

  tokens
    .command("create")
    .description("create a join token and print the command that uses it (the secret is shown only now)")
    .option("--ttl <minutes>", "minutes until it expires unused (default 60, at most 10080 = 7 days)", positiveInt)
    .option("--json", "print JSON: token, secret and command")
    .action(async (opts: { ttl?: number; json?: boolean }) => {
      const conn = await resolveConnection(env);
      const { token, secret } = await clientFor(conn).joinTokens.create.mutate({ ttlMinutes: opts.ttl });
      const command = agentCommandLine(conn.server, secret);
      if (opts.json) return printJson(io, { token, secret, command });
      const lines = [
        `Created join token ${token.id}; it works once and expires at ${formatDate(token.expiresAt)}.`,
        `Secret (shown only now): ${secret}`,
        "",
        "On the new machine, run:",
        `  ${command}`,
      ];
      if (isLoopback(conn.server))
        lines.push(
          "",
          `(${conn.server} is this machine only; from another machine use an address that reaches the server.)`,
        );
      print(io, lines.join("\n"));
    });

  tokens
    .command("list")
    .alias("ls")
    .description("list join tokens with their status (unused, used, expired, revoked)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const list = await (await connect(env)).joinTokens.list.query();
      if (opts.json) return printJson(io, list);
      print(io, list.length ? joinTokenTable(list) : "No join tokens.");
    });

  tokens
    .command("revoke")
    .description("revoke an unused join token")
    .argument("<id>", "join token id (see 'join-token list')")
    .action(async (id: string) => {
      await (await connect(env)).joinTokens.revoke.mutate({ id: id.trim() });
      print(io, `Revoked join token ${id.trim()}`);
    });
}
