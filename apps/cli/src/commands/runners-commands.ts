import { Option, type Command } from "commander";
import { RUNNER_STATUSES } from "@stratavore/contracts";
import { print, printJson } from "../io.ts";
import { positiveInt, type CliContext } from "../options.ts";
import { resolveRunner, resolveRunnerId, RUNNER_ARG_HELP, shortId } from "../runner-ref.ts";
import { runnerDetail, runnerSummary, runnerTable } from "../runner-view.ts";
import { connect } from "../session.ts";
import { registerAttachCommand } from "./attach-command.ts";
import { registerLaunchCommand } from "./launch-command.ts";
import { registerLogsCommand } from "./logs-command.ts";

interface ListOptions {
  project?: string;
  status?: (typeof RUNNER_STATUSES)[number] | "active";
  node?: string;
  limit?: number;
  json?: boolean;
}

const CONTROLS = [
  [
    "stop",
    "stop a runner gracefully (claude gets SIGTERM, then SIGKILL after a grace period); a failed runner waiting to restart is not restarted",
    "Stopping",
  ],
  ["kill", "kill a runner's whole process tree at once (SIGKILL)", "Killing"],
  ["pause", "freeze a running runner: its cgroup frozen (SIGSTOP where the node has no cgroup freezer)", "Paused"],
  ["unpause", "let a paused runner continue (thawed, or SIGCONT)", "Unpaused"],
] as const;

export function registerRunnerCommands(program: Command, ctx: CliContext): void {
  const { env, io } = ctx;
  registerLaunchCommand(program, ctx);

  const runners = program
    .command("runners")
    .alias("runner")
    .description("list runners and show one runner's details and timeline");
  runners
    .command("list", { isDefault: true })
    .alias("ls")
    .description("list runners, newest first (the default for 'stratavore runners')")
    .option("--project <project>", "only runners of this project (name or id)")
    .addOption(
      new Option(
        "--status <status>",
        "only runners in this status; 'active' = starting, running, paused, stopping or lost",
      ).choices([...RUNNER_STATUSES, "active"]),
    )
    .option("--node <node>", "only runners on this node (name or id)")
    .option("--limit <n>", "at most this many (server maximum 500)", positiveInt)
    .option("--json", "print JSON")
    .action(async (opts: ListOptions) => {
      const api = await connect(env);
      const list = await api.runners.list.query({
        project: opts.project,
        status: opts.status,
        node: opts.node,
        limit: opts.limit,
      });
      if (opts.json) return printJson(io, list);
      print(io, list.length ? runnerTable(list) : "No runners.");
    });

  runners
    .command("show")
    .description("show a runner's details and its timeline")
    .argument("<runner>", RUNNER_ARG_HELP)
    .option("--json", "print JSON (the runner with a `timeline` array)")
    .action(async (ref: string, opts: { json?: boolean }) => {
      const api = await connect(env);
      const runner = await resolveRunner(api, ref);
      const timeline = await api.runners.timeline.query({ id: runner.id });
      if (opts.json) return printJson(io, { ...runner, timeline });
      print(io, runnerDetail(runner, timeline));
    });

  for (const [verb, description, done] of CONTROLS) {
    program
      .command(verb)
      .description(description)
      .argument("<runner>", RUNNER_ARG_HELP)
      .option("--json", "print the runner as JSON")
      .action(async (ref: string, opts: { json?: boolean }) => {
        const api = await connect(env);
        const id = await resolveRunnerId(api, ref);
        const runner = await api.runners[verb].mutate({ id });
        if (opts.json) return printJson(io, runner);
        // A stop of a failed runner waiting to restart cancels the restart: it stays failed.
        const said = verb === "stop" && runner.status === "failed" ? "Cancelled the restart of" : done;
        print(io, `${said} runner ${shortId(runner.id)} (${runner.status})\n${runnerSummary(runner)}`);
      });
  }

  registerLogsCommand(program, ctx);
  registerAttachCommand(program, ctx);
}
