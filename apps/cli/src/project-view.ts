import { folderOnNoNode, type Project, type ProjectDetail, type ProjectFolder } from "@stratavore/contracts";
import { fields, formatCount, formatDate, formatList, formatUsd, table } from "./output.ts";

export function projectTable(projects: Project[]): string {
  return table(
    ["NAME", "STATUS", "RUNNERS", "TAGS", "PATH"],
    projects.map((p) => [p.name, p.status, `${p.activeRunners}/${p.maxRunners}`, formatList(p.tags), p.path]),
  );
}

function projectFields(p: Project): [string, string][] {
  return [
    ["Name", p.name],
    ["ID", p.id],
    ["Status", p.status],
    ["Path", p.path],
    ["Description", p.description || "-"],
    ["Tags", formatList(p.tags)],
    ["Runners", `${p.activeRunners} active / ${p.maxRunners} max`],
    [
      "Runner limits",
      [
        p.runnerMemoryMb ? `memory ${p.runnerMemoryMb} MiB` : null,
        p.runnerCpuPercent ? `CPU ${p.runnerCpuPercent}%` : null,
      ]
        .filter(Boolean)
        .join(", ") || "-",
    ],
    ["Created", formatDate(p.createdAt)],
    ["Updated", formatDate(p.updatedAt)],
    ["Archived", formatDate(p.archivedAt)],
  ];
}

export function projectSummary(p: Project): string {
  return fields(projectFields(p));
}

export function projectDetail(p: ProjectDetail): string {
  const s = p.stats;
  return fields([
    ...projectFields(p),
    ["Runners (all)", formatCount(s.totalRunners)],
    ["Sessions", formatCount(s.sessions)],
    ["Tokens", formatCount(s.totalTokens)],
    ["Cost", formatUsd(s.costUsd)],
    ["Last activity", formatDate(s.lastActivityAt)],
  ]);
}

const FOLDER_STATES = { true: "present", false: "missing", null: "unknown (the agent cannot say)" } as const;

/** Per online node that could run the project: whether its folder is there. */
export function projectFolderTable(f: ProjectFolder): string {
  if (f.nodes.length === 0) return `No online node could run this project (folder ${f.path}).`;
  const rows = table(
    ["NODE", "FOLDER"],
    f.nodes.map((n) => [n.name, FOLDER_STATES[`${n.present}`]]),
  );
  return `${f.path}\n${rows}${folderOnNoNode(f.nodes) ? "\nOn no online node: launches and resumes are refused (PATH_MISSING) until it is checked out on one." : ""}`;
}
