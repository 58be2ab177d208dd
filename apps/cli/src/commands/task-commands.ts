import { InvalidArgumentError, type Command } from "commander";
import { TASK_STATUSES, type Pool, type Task } from "@stratavore/contracts";
import { usageError } from "../cli-error.ts";
import { print, printJson, readAllStdin } from "../io.ts";
import { collectTags, nonNegativeInt, positiveInt, type CliContext } from "../options.ts";
import { fields, formatDate, oneLine, table } from "../output.ts";
import { shortId } from "../runner-ref.ts";
import { connect } from "../session.ts";
import { terminalSafe } from "../terminal-safe.ts";

function priorityArg(value: string): number {
  const n = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < -1000 || n > 1000)
    throw new InvalidArgumentError("Expected a whole number from -1000 to 1000 (higher goes first).");
  return n;
}

function percentArg(value: string): number {
  const n = positiveInt(value.replace(/%$/, ""));
  if (n > 100) throw new InvalidArgumentError("Expected a percentage from 1 to 100.");
  return n;
}

function statusArg(value: string): (typeof TASK_STATUSES)[number] {
  if (!(TASK_STATUSES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`Expected one of ${TASK_STATUSES.join(", ")}.`);
  return value as (typeof TASK_STATUSES)[number];
}

const taskRows = (tasks: Task[]) =>
  table(
    ["ID", "PROJECT", "STATUS", "PRI", "PROMPT", "RUNNER", "ADDED", "OUTCOME"],
    tasks.map((t) => [
      shortId(t.id),
      t.projectName,
      t.status,
      String(t.priority),
      oneLine(terminalSafe(t.prompt), 40),
      t.runnerId ? shortId(t.runnerId) : "-",
      formatDate(t.createdAt),
      oneLine(terminalSafe(t.outcome ?? ""), 50) || "-",
    ]),
    [3],
  );

export function poolView(p: Pool): string {
  const lines = [
    fields([
      ["Project", p.projectName],
      ["Pool", p.enabled ? "enabled" : "disabled"],
      ["Runners", `${p.minRunners}–${p.maxRunners} (now ${p.working} working, ${p.idle} idle)`],
      ["Idle timeout", `${p.idleTimeoutSec} s`],
      ["Node labels", p.nodeLabels.join(", ") || "-"],
      ["Node thresholds", `CPU ≤ ${p.maxNodeCpuPercent} %, memory ≤ ${p.maxNodeMemoryPercent} %`],
      ["Queue", `${p.queued} queued${p.oldestQueuedAt ? `, oldest since ${formatDate(p.oldestQueuedAt)}` : ""}`],
      ["Task webhook", p.hasHook ? "set ('stratavore pool hook' makes a new secret)" : "none"],
    ]),
  ];
  if (p.decisions.length)
    lines.push(
      "",
      "Scaling decisions (newest first):",
      table(
        ["AT", "ACTION", "COUNT", "WHY"],
        p.decisions.map((d) => [formatDate(d.at), d.action, String(d.count), oneLine(terminalSafe(d.reason), 100)]),
        [2],
      ),
    );
  return lines.join("\n");
}

/** `stratavore task add|list|cancel` and `stratavore pool show|set|hook`. */
export function registerTaskCommands(program: Command, { env, io }: CliContext): void {
  const task = program.command("task").description("a project's task queue, worked by its pool");
  task
    .command("add")
    .description("queue a task: its pool starts a runner session for it")
    .argument("<project>", "project name or id")
    .argument("<prompt>", "what to do; '-' reads it from stdin")
    .option("--model <model>", "claude model for its runner")
    .option("--priority <n>", "higher goes first (default 0)", priorityArg)
    .option("--label <label>", "node labels its runner needs (repeat, or separate with commas)", collectTags)
    .option("--json", "print the task as JSON")
    .argument("[claude-args...]", "extra flags for claude, after --")
    .action(
      async (
        project: string,
        promptArg: string,
        claudeArgs: string[],
        opts: { model?: string; priority?: number; label?: string[]; json?: boolean },
      ) => {
        const prompt = promptArg === "-" ? (await readAllStdin(io)).trim() : promptArg;
        if (!prompt) throw usageError("The prompt is empty.");
        const api = await connect(env);
        const t = await api.tasks.add.mutate({
          project,
          prompt,
          model: opts.model,
          priority: opts.priority ?? 0,
          labels: opts.label ?? [],
          flags: claudeArgs,
          source: "cli",
        });
        if (opts.json) return printJson(io, t);
        print(io, `Queued task ${shortId(t.id)} on ${t.projectName} (priority ${t.priority}).`);
      },
    );
  task
    .command("list")
    .description("tasks, newest first (queued ones in the order the pool takes them)")
    .option("--project <project>", "only this project")
    .option("--status <status>", `only ${TASK_STATUSES.join(", ")}`, statusArg)
    .option("--limit <n>", "at most this many (default 100)", positiveInt)
    .option("--json", "print JSON")
    .action(async (opts: { project?: string; status?: Task["status"]; limit?: number; json?: boolean }) => {
      const api = await connect(env);
      const res = await api.tasks.list.query({ project: opts.project, status: opts.status, limit: opts.limit ?? 100 });
      if (opts.json) return printJson(io, res);
      print(io, res.tasks.length ? `${taskRows(res.tasks)}\n${res.queued} queued.` : "No tasks.");
    });
  task
    .command("cancel")
    .description("take a queued task off the queue, or stop the runner working it")
    .argument("<id>", "task id")
    .option("--json", "print the task as JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      const api = await connect(env);
      const t = await api.tasks.cancel.mutate({ id });
      if (opts.json) return printJson(io, t);
      print(io, `Cancelled task ${shortId(t.id)}.`);
    });

  const pool = program.command("pool").description("the runner pool that works a project's tasks");
  pool
    .command("show", { isDefault: true })
    .description("its policy, runners, queue and last scaling decisions")
    .argument("<project>", "project name or id")
    .option("--json", "print JSON")
    .action(async (project: string, opts: { json?: boolean }) => {
      const api = await connect(env);
      const p = await api.pools.get.query({ project });
      if (opts.json) return printJson(io, p);
      print(io, poolView(p));
    });
  pool
    .command("set")
    .description("set a project's pool policy (only the options given change)")
    .argument("<project>", "project name or id")
    .option("--enable", "start working the queue")
    .option("--disable", "stop starting runners (running ones finish)")
    .option("--min <n>", "runners kept ready even with no task", nonNegativeInt)
    .option("--max <n>", "most runners at once", positiveInt)
    .option("--idle-timeout <seconds>", "stop a runner with no task after this long", positiveInt)
    .option("--label <label>", "node labels its runners need (repeat, or separate with commas)", collectTags)
    .option("--max-node-cpu <percent>", "pass over nodes busier than this", percentArg)
    .option("--max-node-memory <percent>", "pass over nodes using more memory than this", percentArg)
    .option("--json", "print JSON")
    .action(
      async (
        project: string,
        opts: {
          enable?: boolean;
          disable?: boolean;
          min?: number;
          max?: number;
          idleTimeout?: number;
          label?: string[];
          maxNodeCpu?: number;
          maxNodeMemory?: number;
          json?: boolean;
        },
      ) => {
        if (opts.enable && opts.disable) throw usageError("--enable and --disable contradict each other.");
        const api = await connect(env);
        const p = await api.pools.set.mutate({
          project,
          enabled: opts.enable ? true : opts.disable ? false : undefined,
          minRunners: opts.min,
          maxRunners: opts.max,
          idleTimeoutSec: opts.idleTimeout,
          nodeLabels: opts.label,
          maxNodeCpuPercent: opts.maxNodeCpu,
          maxNodeMemoryPercent: opts.maxNodeMemory,
        });
        if (opts.json) return printJson(io, p);
        print(io, poolView(p));
      },
    );
  pool
    .command("hook")
    .description("make a new task webhook secret (the old one stops working); shown once")
    .argument("<project>", "project name or id")
    .option("--json", "print JSON")
    .action(async (project: string, opts: { json?: boolean }) => {
      const api = await connect(env);
      const hook = await api.pools.rotateHook.mutate({ project });
      if (opts.json) return printJson(io, hook);
      print(
        io,
        `POST a task's JSON (at least {"prompt": "…"}) to:\n  ${hook.url}\nKeep it secret: anyone with the address can queue tasks. It is not shown again.`,
      );
    });
}
