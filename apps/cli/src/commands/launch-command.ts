import { Option, type Command } from "commander";
import { usageError } from "../cli-error.ts";
import { print, printJson, readAllStdin } from "../io.ts";
import { collectTags, type CliContext } from "../options.ts";
import { shortId } from "../runner-ref.ts";
import { runnerSummary } from "../runner-view.ts";
import { connect } from "../session.ts";

interface LaunchOptions {
  continue?: boolean;
  resume?: string;
  fork?: boolean;
  model?: string;
  prompt?: string;
  node?: string;
  label?: string[];
  json?: boolean;
  wait?: boolean;
}

export function registerLaunchCommand(program: Command, { env, io }: CliContext): void {
  program
    .command("launch")
    .description("start a Claude Code runner in a project, on a node the server picks (or --node)")
    .argument("<project>", "project name or id")
    .argument("[claude-args...]", "extra flags for claude, after --")
    .addOption(new Option("--continue", "continue the project's most recent conversation").conflicts("resume"))
    .option("--resume <session-id>", "resume this conversation (a session id)")
    .option("--fork", "with --continue or --resume: branch into a new session instead of appending")
    .option("--model <model>", "claude model (alias or full name)")
    .option("--prompt <text>", "first message to send; '-' reads it from stdin")
    .option("--node <node>", "run on this node (name or id) instead of letting the server choose")
    .option("--label <label>", "only nodes with this label (repeat, or separate with commas)", collectTags)
    .option("--no-wait", "return once the server accepted the launch (status starting), not when claude runs")
    .option("--json", "print the runner as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  stratavore launch web-app --model sonnet --prompt 'Fix the failing tests' -- --verbose",
    )
    .action(async (project: string, claudeArgs: string[], opts: LaunchOptions) => {
      if (opts.fork && !opts.continue && !opts.resume)
        throw usageError("--fork needs --continue or --resume: there is nothing to fork from.");
      const prompt = opts.prompt === "-" ? (await readAllStdin(io)).trim() : opts.prompt;
      if (prompt === "") throw usageError("The prompt is empty.");
      const api = await connect(env);
      const runner = await api.runners.launch.mutate({
        project,
        mode: opts.resume ? "resume" : opts.continue ? "continue" : "new",
        resumeSessionId: opts.resume,
        fork: Boolean(opts.fork),
        model: opts.model,
        prompt,
        node: opts.node,
        labels: opts.label ?? [],
        extraArgs: claudeArgs,
        wait: opts.wait === false ? "accepted" : "running",
      });
      if (opts.json) return printJson(io, runner);
      print(io, `Launched runner ${shortId(runner.id)} (${runner.status})\n${runnerSummary(runner)}`);
    });
}
