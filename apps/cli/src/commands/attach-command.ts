import type { Command } from "commander";
import { runAttachSession } from "../attach-session.ts";
import { CliError } from "../cli-error.ts";
import type { CliContext } from "../options.ts";
import { openRealtime } from "../realtime-client.ts";
import { hasEnded, resolveRunner, RUNNER_ARG_HELP, shortId } from "../runner-ref.ts";
import { describeEnd } from "../runner-view.ts";
import { clientFor, resolveConnection } from "../session.ts";
import { isTtyOut } from "../terminal.ts";

export function registerAttachCommand(program: Command, { env, io }: CliContext): void {
  program
    .command("attach")
    .description("connect this terminal to a runner's terminal; Ctrl-] detaches")
    .argument("<runner>", RUNNER_ARG_HELP)
    .option("--read-only", "watch without typing or resizing")
    .addHelpText(
      "after",
      "\nKeystrokes (Ctrl-C included) go to the runner; Ctrl-] detaches and leaves it running.\n" +
        "Viewers and read-only tokens are attached read-only. When the runner ends, attach exits 0.",
    )
    .action(async (ref: string, opts: { readOnly?: boolean }) => {
      const conn = await resolveConnection(env);
      const api = clientFor(conn);
      const runner = await resolveRunner(api, ref);
      const id = runner.id;
      if (hasEnded(runner)) {
        throw new CliError(
          "RUNNER_NOT_ACTIVE",
          `Runner ${shortId(id)} has ended (${describeEnd(runner)}); 'stratavore logs ${shortId(id)}' shows what is kept.`,
        );
      }
      const socket = await openRealtime(conn);
      if (io.interactive)
        io.stderr.write(
          `Attached to runner ${shortId(id)} (${runner.status}) on ${runner.nodeName ?? "no node"}. Ctrl-] detaches.\n`,
        );
      const end = await runAttachSession({
        io,
        socket,
        runnerId: id,
        readOnly: Boolean(opts.readOnly),
        fetchRunner: () => api.runners.get.query({ id }),
      });
      const lead = isTtyOut(io.stdout) ? "\n" : "";
      io.stderr.write(
        end.reason === "ended"
          ? `${lead}Runner ${shortId(id)} ended: ${describeEnd(end.runner)}\n`
          : `${lead}Detached from runner ${shortId(id)}.\n`,
      );
    });
}
