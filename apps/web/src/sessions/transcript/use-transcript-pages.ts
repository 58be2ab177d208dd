"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPCClient } from "../../trpc";

export const TRANSCRIPT_PAGE = 200;

/** One transcript line as the viewer needs it (a structural subset of sessions.entries' output). */
export interface TranscriptEntryView {
  id: string;
  type: string;
  role: string | null;
  text: string;
  isSidechain: boolean;
  timestamp: Date | null;
  file: string;
  raw: unknown;
}

/**
 * Transcript pages of 200, keyed by `afterId`. The procedure's cursor is not called `cursor`, so
 * this drives TanStack's infinite query with the vanilla client rather than tRPC's helper.
 * Archived lines do not change, so pages never go stale (a refetch would re-walk every page).
 */
export function useTranscriptPages(sessionId: string) {
  const client = useTRPCClient();
  const query = useInfiniteQuery({
    queryKey: ["sessions", "transcript", sessionId],
    queryFn: ({ pageParam, signal }) =>
      client.sessions.entries.query(
        { id: sessionId, afterId: pageParam ?? undefined, limit: TRANSCRIPT_PAGE },
        { signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextAfterId,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const entries: TranscriptEntryView[] = useMemo(() => query.data?.pages.flatMap((p) => p.entries) ?? [], [query.data]);
  return { query, entries };
}
