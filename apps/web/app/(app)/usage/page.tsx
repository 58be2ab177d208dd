"use client";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense, useMemo } from "react";
import { LoadingState, PageHeader } from "@stratavore/ui";
import { useTRPC } from "../../../src/trpc";
import { UsageFilters } from "../../../src/usage/usage-filters";
import { UsageReport } from "../../../src/usage/usage-report";
import { parseRange, rangeBounds, rangeLabel, type UsageRange } from "../../../src/usage/usage-dates";

/** Filters live in the URL (?project=…&days=… or &from=…&to=…), so a link can open any report. */
function UsagePageBody() {
  const trpc = useTRPC();
  const router = useRouter();
  const path = usePathname();
  const params = useSearchParams();
  const project = params.get("project") ?? "";
  const range = parseRange(params);
  const rangeKey = JSON.stringify(range);
  // Local midnights, recomputed only when the range changes, so the query key stays put.
  const bounds = useMemo(() => rangeBounds(JSON.parse(rangeKey) as UsageRange), [rangeKey]);
  const projects = useQuery(trpc.projects.list.queryOptions({ includeArchived: true }));

  const setFilters = (next: { project: string; range: UsageRange }) => {
    const q = new URLSearchParams();
    if (next.project) q.set("project", next.project);
    if (next.range.kind === "custom") {
      q.set("from", next.range.from);
      q.set("to", next.range.to);
    } else if (next.range.days !== 30) q.set("days", String(next.range.days));
    router.replace(q.size ? `${path}?${q}` : path, { scroll: false });
  };

  return (
    <>
      <PageHeader
        title="Usage"
        description="Tokens and dollars spent by Claude Code, from the usage ledger. Days follow the server's time zone."
      />
      <UsageFilters project={project} range={range} projects={projects.data ?? []} onChange={setFilters} />
      <UsageReport
        project={project || undefined}
        since={bounds.since}
        until={bounds.until}
        lastDay={bounds.lastDay}
        rangeLabel={rangeLabel(range)}
      />
    </>
  );
}

export default function UsagePage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <UsagePageBody />
    </Suspense>
  );
}
