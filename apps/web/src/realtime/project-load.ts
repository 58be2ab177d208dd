import type { QueryClient, QueryKey } from "@tanstack/react-query";
import type { Project, ProjectDetail } from "@stratavore/contracts";
import { applyProjectUpsert } from "./project-cache";

const LIST_KEY: QueryKey = [["projects", "list"]];
const GET_KEY: QueryKey = [["projects", "get"]];

function cachedProject(qc: QueryClient, id: string): Project | undefined {
  for (const [, data] of qc.getQueriesData<Project[]>({ queryKey: LIST_KEY })) {
    const hit = data?.find((p) => p.id === id);
    if (hit) return hit;
  }
  for (const [, data] of qc.getQueriesData<ProjectDetail>({ queryKey: GET_KEY })) {
    if (data?.id === id) return data;
  }
  return undefined;
}

/**
 * A project's active-runner count and its status (active while a runner runs, idle
 * otherwise) are derived on the server, which announces runner transitions but not the
 * project change they imply. Shifting the count here keeps lists, filters and tiles honest.
 */
export function shiftProjectLoad(qc: QueryClient, projectId: string, delta: number): void {
  const known = cachedProject(qc, projectId);
  if (!known) return;
  const activeRunners = Math.max(0, known.activeRunners + delta);
  const status = known.status === "archived" ? "archived" : activeRunners > 0 ? "active" : "idle";
  const { stats: _stats, ...base } = known as Partial<ProjectDetail> & Project;
  applyProjectUpsert(qc, { ...base, activeRunners, status });
  for (const [key, data] of qc.getQueriesData<ProjectDetail>({ queryKey: GET_KEY })) {
    if (data?.id === projectId)
      qc.setQueryData(key, {
        ...data,
        stats: { ...data.stats, activeRunners: Math.max(0, data.stats.activeRunners + delta) },
      });
  }
}
