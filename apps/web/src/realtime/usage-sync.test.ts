import { QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpLink } from "@trpc/client";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import superjson from "superjson";
import { afterEach, expect, it, vi } from "vitest";
import type { AppRouter } from "@stratavore/api-client";
import { RunnerUsageStore } from "./runner-usage-store";
import { createUsageSync } from "./usage-sync";

/** The caches only: nothing here fetches (no query has an observer), so no request is made. */
function world() {
  const qc = new QueryClient();
  const client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: "http://127.0.0.1:9/api/trpc", transformer: superjson })],
  });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client, queryClient: qc });
  const report = trpc.usage.query.queryKey({ by: "day", since: new Date("2026-11-01T00:00:00Z"), limit: 1000 });
  const runnerSeed = trpc.usage.query.queryKey({ by: "runner", limit: 500 });
  const summary = trpc.usage.summary.queryKey();
  const budgets = trpc.budgets.list.queryKey();
  for (const key of [report, runnerSeed, summary, budgets]) qc.setQueryData(key, {} as never);
  const stale = () =>
    Object.entries({ report, runnerSeed, summary, budgets })
      .filter(([, key]) => qc.getQueryState(key)?.isInvalidated)
      .map(([name]) => name);
  return { sync: createUsageSync(qc, trpc, new RunnerUsageStore()), stale };
}

afterEach(() => vi.useRealTimers());

it("a page's first connect reads tiles and budgets again, and its reports only 10 s later (spend may have fallen between)", async () => {
  vi.useFakeTimers();
  const { sync, stale } = world();
  await sync.backfill(true);
  expect(stale()).toEqual(["runnerSeed", "summary", "budgets"]);
  await vi.advanceTimersByTimeAsync(10_000);
  expect(stale()).toEqual(["report", "runnerSeed", "summary", "budgets"]);
});

it("a reconnect (spend may have moved while offline) reads everything again, reports too", async () => {
  const { sync, stale } = world();
  await sync.backfill(false);
  expect(stale()).toEqual(["report", "runnerSeed", "summary", "budgets"]);
});
