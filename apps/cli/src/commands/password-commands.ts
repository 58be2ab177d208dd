import type { Command } from "commander";
import { Writable } from "node:stream";
import { createInterface } from "node:readline/promises";
import { usageError } from "../cli-error.ts";
import { print, printJson, readAllStdin, type Io } from "../io.ts";
import type { CliContext } from "../options.ts";
import { clientFor, resolveConnection } from "../session.ts";

/** Asks on stderr without echoing what is typed (a password must not land in scrollback). */
async function askHidden(io: Io, question: string): Promise<string> {
  io.stderr.write(question);
  const silent = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: io.stdin, output: silent, terminal: true });
  try {
    return await rl.question("");
  } finally {
    rl.close();
    io.stderr.write("\n");
  }
}

/**
 * `stratavore password`: change your own password. On a terminal it asks (without echo) for
 * the current one and the new one twice; otherwise it reads two lines from stdin, current then
 * new, so scripts never put a password in argv. Every other browser sign-in of yours ends.
 */
export function registerPasswordCommand(program: Command, { env, io }: CliContext): void {
  program
    .command("password")
    .description("change your own password (asks without echo; or reads 'current\\nnew' from stdin)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const conn = await resolveConnection(env);
      let current: string;
      let next: string;
      if (io.interactive) {
        current = await askHidden(io, "Current password: ");
        next = await askHidden(io, "New password (at least 10 characters): ");
        if ((await askHidden(io, "New password again: ")) !== next) throw usageError("The new passwords differ.");
      } else {
        [current = "", next = ""] = (await readAllStdin(io)).split(/\r?\n/);
      }
      if (!current || !next) throw usageError("Give the current password and the new one.");
      const res = await clientFor(conn).auth.changePassword.mutate({ currentPassword: current, newPassword: next });
      if (opts.json) return printJson(io, res);
      print(
        io,
        `Password changed; ${res.endedSessions} other browser sign-in${res.endedSessions === 1 ? "" : "s"} ended. API tokens keep working.`,
      );
    });
}
