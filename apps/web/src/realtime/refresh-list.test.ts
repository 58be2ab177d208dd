import { QueryClient, InfiniteQueryObserver } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { refreshList } from "./refresh-list";

describe("refreshList", () => {
  it("keeps a Load more that is in flight when the fleet changes", async () => {
    const qc = new QueryClient();
    const key = ["sessions", "list"];
    const observer = new InfiniteQueryObserver(qc, {
      queryKey: key,
      initialPageParam: 0,
      // Each page takes a moment, as a real request does, so the refresh lands mid-flight.
      queryFn: async ({ pageParam }: { pageParam: number }) => {
        await new Promise((r) => setTimeout(r, 30));
        return [pageParam * 2, pageParam * 2 + 1];
      },
      getNextPageParam: (_last: number[], all: number[][]) => (all.length < 3 ? all.length : undefined),
    });
    const unsubscribe = observer.subscribe(() => {});
    await observer.refetch();
    const more = observer.fetchNextPage();
    await refreshList(qc, key);
    await more;
    await new Promise((r) => setTimeout(r, 100));
    expect(observer.getCurrentResult().data?.pages).toEqual([
      [0, 1],
      [2, 3],
    ]);
    unsubscribe();
    qc.clear();
  });
});
