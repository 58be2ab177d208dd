import { Option, type Command } from "commander";
import { PROJECT_STATUSES, type ProjectStatus } from "@stratavore/contracts";
import { print, printJson } from "../io.ts";
import type { CliContext } from "../options.ts";
import { projectDetail, projectFolderTable, projectTable } from "../project-view.ts";
import { connect } from "../session.ts";

interface ListOptions {
  search?: string;
  status?: ProjectStatus;
  tag?: string;
  all?: boolean;
  json?: boolean;
}

export function registerProjectReads(projects: Command, { env, io }: CliContext): void {
  projects
    .command("list")
    .alias("ls")
    .description("list projects (archived ones only with --all or --status archived)")
    .option("--search <text>", "match name, description or path")
    .addOption(new Option("--status <status>", "only projects in this status").choices(PROJECT_STATUSES))
    .option("--tag <tag>", "only projects with this tag")
    .option("--all", "include archived projects")
    .option("--json", "print JSON")
    .action(async (opts: ListOptions) => {
      const api = await connect(env);
      const list = await api.projects.list.query({
        search: opts.search,
        status: opts.status,
        tag: opts.tag,
        includeArchived: Boolean(opts.all),
      });
      if (opts.json) return printJson(io, list);
      print(io, list.length ? projectTable(list) : "No projects.");
    });

  projects
    .command("show")
    .description("show one project and its usage stats")
    .argument("<project>", "project name or id")
    .option("--json", "print JSON")
    .action(async (ref: string, opts: { json?: boolean }) => {
      const api = await connect(env);
      const project = await api.projects.get.query({ ref });
      if (opts.json) return printJson(io, project);
      print(io, projectDetail(project));
    });

  projects
    .command("folder")
    .description("which online nodes have the project's folder (launches that name no node go only there)")
    .argument("<project>", "project name or id")
    .option("--json", "print JSON")
    .action(async (ref: string, opts: { json?: boolean }) => {
      const api = await connect(env);
      const folder = await api.projects.folder.query({ ref });
      if (opts.json) return printJson(io, folder);
      print(io, projectFolderTable(folder));
    });
}
