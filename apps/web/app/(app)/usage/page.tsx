"use client";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense, useMemo } from "react";
import { LoadingState, PageHeader } from "@stratavore/ui";
import { useTRPC } from "../../../src/trpc";
import { UsageFilters } from "../../../src/usage/usage-filters";
import { UsageReport } from "../../../src/usage/usage-report";
import { asRangeDays, rangeStart, type RangeDays } from "../../../src/usage/usage-dates";

/** Filters live in the URL (?project=…&days=…), so a project page can link straight to its usage. */
function UsagePageBody() {
  const trpc = useTRPC();
  const router = useRouter();
  const path = usePathname();
  const params = useSearchParams();
  const project = params.get("project") ?? "";
  const days = asRangeDays(params.get("days"));
  // Local midnight, recomputed only when the range changes, so the query key stays put.
  const since = useMemo(() => rangeStart(days), [days]);
  const projects = useQuery(trpc.projects.list.queryOptions({ includeArchived: true }));

  const setFilters = (next: { project: string; days: RangeDays }) => {
    const q = new URLSearchParams();
    if (next.project) q.set("project", next.project);
    if (next.days !== 30) q.set("days", String(next.days));
    router.replace(q.size ? `${path}?${q}` : path, { scroll: false });
  };

  return (
    <>
      <PageHeader
        title="Usage"
        description="Tokens and dollars spent by Claude Code, from the usage ledger. Days follow the server's time zone."
      />
      <UsageFilters project={project} days={days} projects={projects.data ?? []} onChange={setFilters} />
      <UsageReport project={project || undefined} since={since} days={days} />
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
