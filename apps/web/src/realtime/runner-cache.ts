import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { isActiveRunnerStatus, type Runner, type RunnerStatus } from "@stratavore/contracts";

/** The input of `runners.list` (runnerListInput), as cached under the query key. */
export interface RunnerListFilter {
  project?: string;
  status?: RunnerStatus | "active";
  node?: string;
  session?: string;
  limit?: number;
}

const LIST_KEY: QueryKey = [["runners", "list"]];
const GET_KEY: QueryKey = [["runners", "get"]];
const DEFAULT_LIMIT = 100;

const inputOf = (key: QueryKey) => (key[1] as { input?: RunnerListFilter } | undefined)?.input;

/** The server accepts a project or node by name or id; a pushed runner carries both. */
function refMatches(ref: string, id: string | null, name: string | null): boolean {
  const want = ref.trim().toLowerCase();
  return want === id?.toLowerCase() || want === name?.toLowerCase();
}

/** The list filter as a predicate (mirrors listRunnersFor), so pushed runners land in the right lists. */
export function runnerMatchesFilter(r: Runner, f: RunnerListFilter | undefined): boolean {
  if (f?.status === "active" ? !isActiveRunnerStatus(r.status) : f?.status && r.status !== f.status) return false;
  if (f?.project && !refMatches(f.project, r.projectId, r.projectName)) return false;
  if (f?.node && !refMatches(f.node, r.nodeId, r.nodeName)) return false;
  if (f?.session && r.sessionId !== f.session) return false;
  return true;
}

const newestFirst = (a: Runner, b: Runner) => b.createdAt.getTime() - a.createdAt.getTime();

/** The freshest copy of a runner in any cache, to know what state an event moves it from. */
export function cachedRunner(qc: QueryClient, id: string): Runner | undefined {
  let best: Runner | undefined;
  const consider = (r: Runner | undefined) => {
    if (r && r.id === id && (!best || r.updatedAt > best.updatedAt)) best = r;
  };
  for (const [, data] of qc.getQueriesData<Runner[]>({ queryKey: LIST_KEY })) data?.forEach(consider);
  for (const [, data] of qc.getQueriesData<Runner>({ queryKey: GET_KEY })) consider(data);
  return best;
}

/**
 * Places a runner's new state in every cached list (respecting each list's filter, order and
 * limit) and its detail, in place. Returns the state it replaced, or null when the caches
 * already hold something newer (a late event after a refetch) and nothing was changed.
 */
export function applyRunnerUpsert(qc: QueryClient, runner: Runner): { previous: Runner | undefined } | null {
  const previous = cachedRunner(qc, runner.id);
  if (previous && previous.updatedAt > runner.updatedAt) return null;
  for (const [key, data] of qc.getQueriesData<Runner[]>({ queryKey: LIST_KEY })) {
    if (!data) continue;
    const filter = inputOf(key);
    const rest = data.filter((r) => r.id !== runner.id);
    if (!runnerMatchesFilter(runner, filter)) {
      if (rest.length !== data.length) qc.setQueryData(key, rest);
      continue;
    }
    qc.setQueryData(key, [...rest, runner].sort(newestFirst).slice(0, filter?.limit ?? DEFAULT_LIMIT));
  }
  for (const [key, data] of qc.getQueriesData<Runner>({ queryKey: GET_KEY })) {
    if (data?.id === runner.id) qc.setQueryData(key, runner);
  }
  return { previous };
}

export interface MetricsItem {
  runnerId: string;
  cpuPercent: number | null;
  memoryBytes: number | null;
  at: Date;
}

/** Heartbeat figures patched into cached rows; lists without any of these runners are left alone. */
export function applyRunnerMetrics(qc: QueryClient, items: MetricsItem[]): void {
  patchCachedRunners(
    qc,
    new Map(
      items.map((m) => [m.runnerId, { cpuPercent: m.cpuPercent, memoryBytes: m.memoryBytes, lastHeartbeatAt: m.at }]),
    ),
  );
}

export type ActivityItem = Pick<Runner, "activity" | "activityLine" | "activityAt"> & { runnerId: string };

/** What runners are doing (from their screens) patched into cached rows. */
export function applyRunnerActivity(qc: QueryClient, items: ActivityItem[]): void {
  patchCachedRunners(qc, new Map(items.map(({ runnerId, ...a }) => [runnerId, a])));
}

/** Fields of some runners changed without a status change: every cached list and row holding them follows. */
function patchCachedRunners(qc: QueryClient, byId: Map<string, Partial<Runner>>): void {
  const patch = (r: Runner): Runner => {
    const m = byId.get(r.id);
    return m ? { ...r, ...m } : r;
  };
  for (const [key, data] of qc.getQueriesData<Runner[]>({ queryKey: LIST_KEY })) {
    if (data?.some((r) => byId.has(r.id))) qc.setQueryData(key, data.map(patch));
  }
  for (const [key, data] of qc.getQueriesData<Runner>({ queryKey: GET_KEY })) {
    if (data && byId.has(data.id)) qc.setQueryData(key, patch(data));
  }
}
