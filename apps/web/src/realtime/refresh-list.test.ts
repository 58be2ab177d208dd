import { QueryClient, InfiniteQueryObserver } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { refreshList } from "./refresh-list";

const KEY = ["sessions", "list"];

/**
 * A list of up to three one-item pages, first page loaded and watched, whose items name the
 * version of the data they were read at (`data.version`, changed by the test).
 */
async function openList() {
  const qc = new QueryClient();
  const data = { version: 1 };
  const observer = new InfiniteQueryObserver(qc, {
    queryKey: KEY,
    initialPageParam: 0,
    // Each page takes a moment, as a real request does, so the refresh lands mid-flight.
    queryFn: async ({ pageParam }: { pageParam: number }) => {
      const v = data.version;
      await new Promise((r) => setTimeout(r, 30));
      return [`v${v}:${pageParam}`];
    },
    getNextPageParam: (_last: string[], all: string[][]) => (all.length < 3 ? all.length : undefined),
  });
  const unsubscribe = observer.subscribe(() => {});
  await observer.refetch();
  const close = () => {
    unsubscribe();
    qc.clear();
  };
  return { qc, data, observer, close };
}

describe("refreshList", () => {
  it("keeps a Load more that is in flight when the fleet changes, then shows the change in every page", async () => {
    const { qc, data, observer, close } = await openList();
    const more = observer.fetchNextPage();
    // The fleet changes while the next page is on its way.
    data.version = 2;
    await Promise.all([refreshList(qc, KEY), more]);
    await new Promise((r) => setTimeout(r, 150));
    expect(observer.getCurrentResult().data?.pages).toEqual([["v2:0"], ["v2:1"]]);
    close();
  });

  it("refreshes at once when nothing is fetching", async () => {
    const { qc, data, observer, close } = await openList();
    data.version = 2;
    await refreshList(qc, KEY);
    expect(observer.getCurrentResult().data?.pages).toEqual([["v2:0"]]);
    close();
  });
});
