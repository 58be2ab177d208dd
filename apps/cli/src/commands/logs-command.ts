import type { Command } from "commander";
import { nonNegativeInt, type CliContext } from "../options.ts";
import { openRealtime } from "../realtime-client.ts";
import { hasEnded, resolveRunner, RUNNER_ARG_HELP, shortId } from "../runner-ref.ts";
import { streamRunner } from "../runner-stream.ts";
import { describeEnd } from "../runner-view.ts";
import { clientFor, resolveConnection } from "../session.ts";
import { tailLines } from "../terminal.ts";

const joined = (chunks: { data: string }[]) => chunks.map((c) => c.data).join("");

export function registerLogsCommand(program: Command, { env, io }: CliContext): void {
  program
    .command("logs")
    .description("print a runner's recent terminal output; with -f keep streaming it")
    .argument("<runner>", RUNNER_ARG_HELP)
    .option("-f, --follow", "keep printing new output until the runner ends (exit 0) or Ctrl-C")
    .option("--tail <lines>", "start with only the last N lines of the kept output (0: none)", nonNegativeInt, 200)
    .addHelpText(
      "after",
      "\nThe server keeps the recent output (about 256 KiB) of active runners only; the full log stays on the runner's node.",
    )
    .action(async (ref: string, opts: { follow?: boolean; tail: number }) => {
      const conn = await resolveConnection(env);
      const api = clientFor(conn);
      const runner = await resolveRunner(api, ref);
      const id = runner.id;
      if (!opts.follow || hasEnded(runner)) {
        const { chunks } = await api.runners.scrollback.query({ id });
        io.stdout.write(tailLines(joined(chunks), opts.tail));
        if (opts.follow)
          io.stderr.write(`Runner ${shortId(id)} has ended: ${describeEnd(runner)}; nothing to follow.\n`);
        else if (!chunks.length && hasEnded(runner))
          io.stderr.write(
            `Runner ${shortId(id)} has ended and its node (${runner.nodeName ?? "unknown"}) has no log of it (node offline, or the log rotated away).\n`,
          );
        return;
      }

      let lastChar = "\n";
      const write = (text: string) => {
        if (text) lastChar = text.slice(-1);
        io.stdout.write(text);
      };
      const socket = await openRealtime(conn);
      const stream = streamRunner({
        socket,
        runnerId: id,
        fetchRunner: () => api.runners.get.query({ id }),
        onBacklog: (chunks) => write(tailLines(joined(chunks), opts.tail)),
        onOutput: write,
        onNotice: (text) => io.stderr.write(`${text}\n`),
      });
      const offInterrupt = io.onInterrupt(stream.close);
      try {
        const end = await stream.done;
        // Terminal output rarely ends with a newline; start the notice on a line of its own.
        if (end.reason === "ended")
          io.stderr.write(`${lastChar === "\n" ? "" : "\n"}Runner ${shortId(id)} ended: ${describeEnd(end.runner)}\n`);
      } finally {
        offInterrupt();
      }
    });
}
