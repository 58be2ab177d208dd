import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { projectMatchesFilter, type Project, type ProjectListFilter } from "@stratavore/contracts";

/** tRPC query keys look like [["projects","list"], { input, type }]. */
function inputOf(key: QueryKey): ProjectListFilter | undefined {
  const meta = key[1] as { input?: ProjectListFilter } | undefined;
  return meta?.input;
}

const LIST_KEY: QueryKey = [["projects", "list"]];
const GET_KEY: QueryKey = [["projects", "get"]];

/**
 * Places one project's new state into every cached list (respecting each list's filter) and
 * its detail view, in place (setQueryData), so nothing refetches.
 */
export function applyProjectUpsert(qc: QueryClient, project: Project): void {
  for (const [key, data] of qc.getQueriesData<Project[]>({ queryKey: LIST_KEY })) {
    if (!data) continue;
    const rest = data.filter((p) => p.id !== project.id);
    const next = projectMatchesFilter(project, inputOf(key))
      ? [...rest, project].sort((a, b) => a.name.localeCompare(b.name))
      : rest;
    qc.setQueryData(key, next);
  }
  for (const [key, data] of qc.getQueriesData<Project & { stats: unknown }>({ queryKey: GET_KEY })) {
    if (data && data.id === project.id) qc.setQueryData(key, { ...data, ...project });
  }
}

export function applyProjectDelete(qc: QueryClient, id: string): void {
  for (const [key, data] of qc.getQueriesData<Project[]>({ queryKey: LIST_KEY })) {
    if (data)
      qc.setQueryData(
        key,
        data.filter((p) => p.id !== id),
      );
  }
}

/**
 * Remembers the newest seq applied per project, so a backfill that raced a live event can
 * never put older state back.
 */
export class SeqGuard {
  private readonly seen = new Map<string, number>();
  cursor: number | null = null;

  accept(id: string, seq: number): boolean {
    if ((this.seen.get(id) ?? -1) > seq) return false;
    this.seen.set(id, seq);
    return true;
  }

  advance(seq: number): void {
    this.cursor = Math.max(this.cursor ?? 0, seq);
  }
}
