import type { Command } from "commander";
import { describeError } from "@stratavore/api-client";
import { CliError, usageError } from "../cli-error.ts";
import { configFile, removeLogin, writeLogin } from "../config-store.ts";
import { print, printJson, readAllStdin } from "../io.ts";
import type { CliContext } from "../options.ts";
import { fields, formatList } from "../output.ts";
import { clientFor, normaliseServerUrl, resolveConnection } from "../session.ts";

/** The server's own default address (apps/server env.ts), so a local install needs no flag. */
const DEFAULT_SERVER = "http://127.0.0.1:3000";

export function registerAuthCommands(program: Command, { env, io }: CliContext): void {
  program
    .command("login")
    .description("verify an API token and store it for later commands")
    .option("--server <url>", "server base URL", env.server ?? DEFAULT_SERVER)
    .requiredOption(
      "--token <token>",
      "API token (svt_…); pass '-' to read it from stdin and keep it out of shell history",
    )
    .action(async (opts: { server: string; token: string }) => {
      const server = normaliseServerUrl(opts.server);
      const token = (opts.token === "-" ? await readAllStdin(io) : opts.token).trim();
      if (!token) throw usageError("The token is empty.");
      const me = await clientFor({ server, token })
        .auth.whoami.query()
        .catch((err: unknown) => {
          // "Sign in first." is the server's generic wording; at login the token itself is the problem.
          if (describeError(err).code === "UNAUTHENTICATED") {
            throw new CliError("UNAUTHENTICATED", "The server rejected this token (unknown, expired or revoked).");
          }
          throw err;
        });
      const file = await writeLogin(env.configDir, { server, token });
      print(io, `Logged in to ${server} as ${me.email} (${me.role}); saved to ${file}`);
    });

  program
    .command("logout")
    .description("forget the stored server and token (the token itself stays valid until revoked)")
    .action(async () => {
      const removed = await removeLogin(env.configDir);
      print(io, removed ? `Logged out; removed ${configFile(env.configDir)}` : "Not logged in; nothing to remove.");
    });

  program
    .command("whoami")
    .description("show the user and scopes behind the current token")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const conn = await resolveConnection(env);
      const me = await clientFor(conn).auth.whoami.query();
      if (opts.json) return printJson(io, { server: conn.server, ...me });
      print(
        io,
        fields([
          ["Email", me.email],
          ["Name", me.name],
          ["Role", me.role],
          ["Scopes", formatList(me.scopes)],
          ["Server", conn.server],
        ]),
      );
    });
}
