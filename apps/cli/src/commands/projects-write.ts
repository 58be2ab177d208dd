import { Option, type Command } from "commander";
import type { ApiClient } from "@stratavore/api-client";
import {
  WATCHDOG_ERROR_LOOP_ACTIONS,
  WATCHDOG_STALL_ACTIONS,
  type Project,
  type ProjectUpdateInput,
} from "@stratavore/contracts";
import { usageError } from "../cli-error.ts";
import { print, printJson } from "../io.ts";
import { collectTags, positiveInt, type CliContext } from "../options.ts";
import { projectSummary } from "../project-view.ts";
import { connect } from "../session.ts";

interface EditOptions {
  name?: string;
  path?: string;
  description?: string;
  tag?: string[];
  clearTags?: boolean;
  maxRunners?: number;
  runnerMemoryMb?: number | null;
  runnerCpuPercent?: number | null;
  stallSeconds?: number;
  onStall?: (typeof WATCHDOG_STALL_ACTIONS)[number];
  onErrorLoop?: (typeof WATCHDOG_ERROR_LOOP_ACTIONS)[number];
  json?: boolean;
}

/** A limit in whole units, or `none` to clear it. */
const limitArg = (v: string): number | null => (v === "none" ? null : positiveInt(v));

/** Mutations take an id; people type names. */
export async function projectIdFor(api: ApiClient, ref: string): Promise<string> {
  return (await api.projects.get.query({ ref })).id;
}

function report(ctx: CliContext, json: boolean | undefined, verb: string, project: Project): void {
  if (json) return printJson(ctx.io, project);
  print(ctx.io, `${verb} project ${project.name}\n${projectSummary(project)}`);
}

export function registerProjectWrites(projects: Command, ctx: CliContext): void {
  projects
    .command("create")
    .description("register a project (a checkout on the machine its runners will use)")
    .argument("<name>", "unique slug: lowercase letters, digits and dashes")
    // Not resolved against the local cwd: the path is on the runner's machine, not necessarily this one.
    .requiredOption("--path <path>", "absolute path of the checkout")
    .option("--description <text>", "free-form description")
    .option("--tag <tag>", "tag (repeat, or separate with commas)", collectTags)
    .option("--max-runners <n>", "most runners allowed at once", positiveInt)
    .option(
      "--runner-memory-mb <n>",
      "memory limit per runner in MiB (cgroup; nodes without cgroups ignore it)",
      limitArg,
    )
    .option("--runner-cpu-percent <n>", "CPU limit per runner, 100 = one core (cgroup)", limitArg)
    .option("--json", "print the created project as JSON")
    .action(async (name: string, opts: Omit<EditOptions, "name" | "clearTags"> & { path: string }) => {
      const api = await connect(ctx.env);
      const project = await api.projects.create.mutate({
        name,
        path: opts.path,
        description: opts.description,
        tags: opts.tag,
        maxRunners: opts.maxRunners,
        runnerMemoryMb: opts.runnerMemoryMb,
        runnerCpuPercent: opts.runnerCpuPercent,
      });
      report(ctx, opts.json, "Created", project);
    });

  projects
    .command("edit")
    .description("change a project's name, path, description, tags, runner quota or per-runner limits")
    .argument("<project>", "project name or id")
    .option("--name <name>", "new name")
    .option("--path <path>", "new absolute path")
    .option("--description <text>", "new description ('' clears it)")
    .addOption(
      new Option("--tag <tag>", "replace the tags (repeat, or separate with commas)")
        .argParser(collectTags)
        .conflicts("clearTags"),
    )
    .option("--clear-tags", "remove every tag")
    .option("--max-runners <n>", "most runners allowed at once", positiveInt)
    .option("--runner-memory-mb <n>", "memory limit per runner in MiB, or 'none'", limitArg)
    .option("--runner-cpu-percent <n>", "CPU limit per runner (100 = one core), or 'none'", limitArg)
    .option("--stall-seconds <n>", "watchdog: a working runner with no output this long is stalled", positiveInt)
    .addOption(
      new Option("--on-stall <action>", "watchdog: notify, or restart it (resumed in a new process)").choices(
        WATCHDOG_STALL_ACTIONS,
      ),
    )
    .addOption(
      new Option("--on-error-loop <action>", "watchdog: notify, or pause a runner looping on API errors").choices(
        WATCHDOG_ERROR_LOOP_ACTIONS,
      ),
    )
    .option("--json", "print the updated project as JSON")
    .action(async (ref: string, opts: EditOptions) => {
      const changes: Omit<ProjectUpdateInput, "id"> = {
        name: opts.name,
        path: opts.path,
        description: opts.description,
        tags: opts.clearTags ? [] : opts.tag,
        maxRunners: opts.maxRunners,
        runnerMemoryMb: opts.runnerMemoryMb,
        runnerCpuPercent: opts.runnerCpuPercent,
        watchdogStallSeconds: opts.stallSeconds,
        watchdogOnStall: opts.onStall,
        watchdogOnErrorLoop: opts.onErrorLoop,
      };
      if (Object.values(changes).every((v) => v === undefined))
        throw usageError("Nothing to change; pass at least one option (see --help).");
      const api = await connect(ctx.env);
      const project = await api.projects.update.mutate({ id: await projectIdFor(api, ref), ...changes });
      report(ctx, opts.json, "Updated", project);
    });

  for (const [verb, archived] of [
    ["archive", true],
    ["unarchive", false],
  ] as const) {
    projects
      .command(verb)
      .description(archived ? "archive a project: hidden from lists, no new runners" : "bring an archived project back")
      .argument("<project>", "project name or id")
      .option("--json", "print the project as JSON")
      .action(async (ref: string, opts: { json?: boolean }) => {
        const api = await connect(ctx.env);
        const id = await projectIdFor(api, ref);
        const project = archived
          ? await api.projects.archive.mutate({ id })
          : await api.projects.unarchive.mutate({ id });
        report(ctx, opts.json, archived ? "Archived" : "Unarchived", project);
      });
  }
}
