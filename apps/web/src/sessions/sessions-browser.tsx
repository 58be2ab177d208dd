"use client";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { Alert, Button, EmptyState, ErrorState, ListFooter, LoadingState } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useDebouncedValue } from "../hooks/use-debounced-value";
import { useRefreshOnFleetChange } from "../realtime/use-refresh-on-fleet-change";
import { useTRPC } from "../trpc";
import { parseDayKey } from "../usage/usage-dates";
import { SearchHits } from "./search-hits";
import { asSessionSort } from "./session-format";
import { SessionsFilters, type SessionFilterValues } from "./sessions-filters";
import { SessionsTable } from "./sessions-table";

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const day = (v: string | null) => (v && DAY_RE.test(v) ? v : "");
/** "To" is inclusive, so the bound is the next local midnight. */
const dayAfter = (key: string) => {
  const d = parseDayKey(key);
  d.setDate(d.getDate() + 1);
  return d;
};

const PAGE = 100;

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))));
}

/**
 * The session list and transcript search. Filters and the (debounced) query live in the URL so a
 * search can be shared and the back button returns to it.
 */
export function SessionsBrowser() {
  const trpc = useTRPC();
  const router = useRouter();
  const path = usePathname();
  const params = useSearchParams();
  const values: SessionFilterValues = {
    project: params.get("project") ?? "",
    since: day(params.get("since")),
    until: day(params.get("until")),
    sort: asSessionSort(params.get("sort")),
  };
  const urlQuery = params.get("q") ?? "";
  const [search, setSearch] = useState(urlQuery);
  const query = useDebouncedValue(search.trim(), 300);
  const projects = useQuery(trpc.projects.list.queryOptions({ includeArchived: true }));

  const setUrl = (v: SessionFilterValues, q: string) => {
    const next = new URLSearchParams();
    if (q) next.set("q", q);
    if (v.project) next.set("project", v.project);
    if (v.since) next.set("since", v.since);
    if (v.until) next.set("until", v.until);
    if (v.sort !== "recent") next.set("sort", v.sort);
    router.replace(next.size ? `${path}?${next}` : path, { scroll: false });
  };
  // Mirror the settled query into the URL (not every keystroke). Only `query` should trigger
  // this: the filters are read fresh from the URL each time.
  useEffect(() => {
    if (query !== urlQuery.trim()) setUrl(values, query);
  }, [query]);

  // Dates become stable Date objects so the query key does not change on every render.
  const since = useMemo(() => (values.since ? parseDayKey(values.since) : undefined), [values.since]);
  const until = useMemo(() => (values.until ? dayAfter(values.until) : undefined), [values.until]);
  const input = {
    project: values.project || undefined,
    since,
    until,
    search: query || undefined,
    sort: values.sort,
    limit: PAGE,
  };
  // Page after page ("Load more"), never silently cut: the list says how many there are.
  const pages = useInfiniteQuery(
    trpc.sessions.list.infiniteQueryOptions(input, {
      placeholderData: keepPreviousData,
      getNextPageParam: (last, all) => {
        const loaded = all.reduce((n, p) => n + p.sessions.length, 0);
        return loaded < last.total && last.sessions.length > 0 ? loaded : undefined;
      },
    }),
  );
  // Runners start, end and spend while the list is open: it follows (a search's hits stay put).
  useRefreshOnFleetChange(trpc.sessions.list.pathKey(), !query);
  // Pages are offsets into a live order (a session that just spent moves up): one that moved
  // between two pages would show twice, so each appears once, where it was first seen.
  const data = pages.data && {
    sessions: uniqueBy(
      pages.data.pages.flatMap((p) => p.sessions),
      (x) => x.id,
    ),
    hits: uniqueBy(
      pages.data.pages.flatMap((p) => p.hits),
      (x) => x.entryId,
    ),
    total: pages.data.pages[0]?.total ?? 0,
  };
  const more = pages.hasNextPage ? (
    <>
      {pages.isFetchNextPageError ? <Alert>{errorMessage(pages.error).message}</Alert> : null}
      <Button busy={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
        Load more
      </Button>
    </>
  ) : null;

  return (
    <>
      <SessionsFilters
        search={search}
        onSearch={setSearch}
        values={values}
        projects={projects.data ?? []}
        onChange={(v) => setUrl(v, query)}
      />
      {/* A kept list page is no answer to a new search: wait rather than flash "No matches". */}
      {pages.isError && !data ? (
        <ErrorState {...errorMessage(pages.error)} onRetry={() => pages.refetch()} />
      ) : !data || (pages.isPlaceholderData && Boolean(query) && data.hits.length === 0) ? (
        <LoadingState />
      ) : query ? (
        data.hits.length ? (
          <div aria-busy={pages.isFetching || undefined}>
            <SearchHits hits={data.hits} />
            <ListFooter shown={data.hits.length} total={data.total} noun="matches" more={more} />
          </div>
        ) : (
          <EmptyState title="No matches">
            Nothing in the recorded transcripts matches “{query}”{values.project ? ` in ${values.project}` : ""}.
          </EmptyState>
        )
      ) : data.sessions.length ? (
        <>
          <SessionsTable sessions={data.sessions} />
          <ListFooter shown={data.sessions.length} total={data.total} noun="sessions" more={more} />
        </>
      ) : values.project || values.since || values.until ? (
        <EmptyState title="No sessions match these filters" />
      ) : (
        <EmptyState title="No sessions recorded">
          Every Claude Code conversation a runner has, with its transcript, is listed and searchable here.
        </EmptyState>
      )}
    </>
  );
}
