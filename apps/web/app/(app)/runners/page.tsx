"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { Suspense, useEffect, useState } from "react";
import { RUNNER_STATUSES, type RunnerStatus } from "@stratavore/contracts";
import { Button, EmptyState, ErrorState, ListFooter, LoadingState, PageHeader, Select } from "@stratavore/ui";
import { errorMessage } from "../../../src/hooks/use-error-message";
import { CsvButton } from "../../../src/export/csv-button";
import { NeedsYou } from "../../../src/runners/needs-you";
import { runnerColumns } from "../../../src/usage/usage-csv";
import { RunnersTable } from "../../../src/runners/runners-table";
import { useTRPC } from "../../../src/trpc";

const PAGE = 200;
/** The list's own cap (runnerListInput); past it, the filters narrow it down. */
const MAX_SHOWN = 5000;

type StatusFilter = "" | "active" | RunnerStatus;
const STATUS_FILTERS: readonly string[] = ["active", ...RUNNER_STATUSES];
const asStatusFilter = (v: string | null): StatusFilter => (v && STATUS_FILTERS.includes(v) ? (v as StatusFilter) : "");

function RunnersList() {
  const trpc = useTRPC();
  const params = useSearchParams();
  // Links from elsewhere (a project, the dashboard) may preset the filters.
  const [status, setStatus] = useState<StatusFilter>(asStatusFilter(params.get("status")));
  const [project, setProject] = useState(params.get("project") ?? "");
  // Never cut silently: the list says how many match, and shows more on request.
  const [limit, setLimit] = useState(PAGE);
  const where = { status: status || undefined, project: project || undefined };
  const filter = { ...where, limit };
  const runners = useQuery(trpc.runners.list.queryOptions(filter, { placeholderData: (prev) => prev }));
  const count = useQuery(trpc.runners.count.queryOptions(where));
  // Events keep the list current; the count follows whenever the list changes size.
  const shown = runners.data?.length ?? 0;
  const { refetch: recount } = count;
  // dataUpdatedAt moves with every refetch and every live patch of the list (a new runner in a
  // full list keeps its length).
  useEffect(() => void recount(), [runners.dataUpdatedAt, recount]);
  const projects = useQuery(trpc.projects.list.queryOptions({ includeArchived: true }));
  const filtered = Boolean(filter.status || filter.project);

  return (
    <>
      <PageHeader title="Runners" description="Claude Code processes Stratavore supervises, live." />
      <div className="toolbar">
        <Select
          aria-label="Status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as StatusFilter);
            setLimit(PAGE);
          }}
        >
          <option value="">Any status</option>
          <option value="active">Active (starting, running, paused, stopping, lost)</option>
          {RUNNER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0).toUpperCase() + s.slice(1)}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Project"
          value={project}
          onChange={(e) => {
            setProject(e.target.value);
            setLimit(PAGE);
          }}
        >
          <option value="">Any project</option>
          {(projects.data ?? []).map((p) => (
            <option key={p.id} value={p.name}>
              {p.name}
            </option>
          ))}
        </Select>
      </div>
      {runners.isPending ? (
        <LoadingState />
      ) : runners.isError ? (
        <ErrorState {...errorMessage(runners.error)} onRetry={() => runners.refetch()} />
      ) : runners.data.length === 0 ? (
        filtered ? (
          <EmptyState title="No runner matches">Change the status or project filter.</EmptyState>
        ) : (
          <EmptyState
            title="No runners yet"
            action={
              <Link className="btn btn-primary" href="/projects">
                Choose a project to launch in
              </Link>
            }
          >
            Runners are Claude Code sessions that Stratavore launches and supervises in your projects. Launch one from a
            project&apos;s page.
          </EmptyState>
        )
      ) : (
        <>
          <div className="toolbar-end">
            <CsvButton filename="runners.csv" columns={runnerColumns} rows={runners.data} />
          </div>
          <NeedsYou runners={runners.data} />
          <RunnersTable runners={runners.data} project={filter.project} />
          <ListFooter
            shown={shown}
            total={Math.max(count.data?.total ?? shown, shown)}
            noun="runners"
            more={
              (count.data?.total ?? 0) > shown && limit < MAX_SHOWN ? (
                <Button busy={runners.isFetching} onClick={() => setLimit((l) => Math.min(l + PAGE, MAX_SHOWN))}>
                  Show more
                </Button>
              ) : null
            }
          />
        </>
      )}
    </>
  );
}

export default function RunnersPage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <RunnersList />
    </Suspense>
  );
}
