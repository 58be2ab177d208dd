import { QueryClient, InfiniteQueryObserver } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { refreshList } from "./refresh-list";

/** A list of three one-item pages whose items name the version of the data they were read at. */
function listOf(qc: QueryClient, key: string[], version: () => number) {
  return new InfiniteQueryObserver(qc, {
    queryKey: key,
    initialPageParam: 0,
    // Each page takes a moment, as a real request does, so the refresh lands mid-flight.
    queryFn: async ({ pageParam }: { pageParam: number }) => {
      const v = version();
      await new Promise((r) => setTimeout(r, 30));
      return [`v${v}:${pageParam}`];
    },
    getNextPageParam: (_last: string[], all: string[][]) => (all.length < 3 ? all.length : undefined),
  });
}

describe("refreshList", () => {
  it("keeps a Load more that is in flight when the fleet changes, then shows the change in every page", async () => {
    const qc = new QueryClient();
    const key = ["sessions", "list"];
    let version = 1;
    const observer = listOf(qc, key, () => version);
    const unsubscribe = observer.subscribe(() => {});
    await observer.refetch();
    const more = observer.fetchNextPage();
    // The fleet changes while the next page is on its way.
    version = 2;
    await Promise.all([refreshList(qc, key), more]);
    await new Promise((r) => setTimeout(r, 150));
    expect(observer.getCurrentResult().data?.pages).toEqual([["v2:0"], ["v2:1"]]);
    unsubscribe();
    qc.clear();
  });

  it("refreshes at once when nothing is fetching", async () => {
    const qc = new QueryClient();
    const key = ["sessions", "list"];
    let version = 1;
    const observer = listOf(qc, key, () => version);
    const unsubscribe = observer.subscribe(() => {});
    await observer.refetch();
    version = 2;
    await refreshList(qc, key);
    expect(observer.getCurrentResult().data?.pages).toEqual([["v2:0"]]);
    unsubscribe();
    qc.clear();
  });
});
