import { Argument, type Command } from "commander";
import { completeWords } from "../completion/complete-words.ts";
import { liveNames } from "../completion/live-names.ts";
import { COMPLETION_SCRIPTS, SHELLS, type Shell } from "../completion/shell-scripts.ts";
import type { CliContext } from "../options.ts";
import { createApiClient } from "@stratavore/api-client";
import { resolveConnection } from "../session.ts";

/** A shell waits for completions: a slow or absent server offers what it can without live names. */
const LIVE_TIMEOUT_MS = 2_000;

export function registerCompletionCommand(program: Command, { env, io }: CliContext): void {
  program
    .command("completion")
    .description("print the shell completion script (commands, flags, and live project/runner/session names)")
    .addArgument(new Argument("<shell>", "your shell").choices(SHELLS))
    .addHelpText(
      "after",
      "\nbash: source <(stratavore completion bash)   zsh: source <(stratavore completion zsh)\nfish: stratavore completion fish > ~/.config/fish/completions/stratavore.fish\npowershell: stratavore completion powershell | Out-String | Invoke-Expression",
    )
    .action((shell: Shell) => {
      io.stdout.write(COMPLETION_SCRIPTS[shell]);
    });

  // What the scripts call on every Tab: candidates for the last word, one per line. Never fails.
  program
    .command("__complete", { hidden: true })
    .argument("[words...]")
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      const request = completeWords(program, words.length ? words : [""]);
      let live: string[] = [];
      if (request.live) {
        const kind = request.live;
        // The request itself is aborted at the bound: nothing in flight keeps the process (and the shell) waiting.
        const timeboxed: typeof fetch = (input, init) =>
          fetch(input, { ...init, signal: AbortSignal.timeout(LIVE_TIMEOUT_MS) });
        live = await resolveConnection(env)
          .then((conn) =>
            liveNames(createApiClient({ serverUrl: conn.server, token: conn.token, fetch: timeboxed }), kind),
          )
          .catch(() => []);
      }
      const seen = new Set<string>();
      for (const w of [...request.words, ...live])
        if (w.startsWith(request.current) && !seen.has(w)) {
          seen.add(w);
          io.stdout.write(`${w}\n`);
        }
    });
}
