import type { Project, ProjectDetail } from "@stratavore/contracts";
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
