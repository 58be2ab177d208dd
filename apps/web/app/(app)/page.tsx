"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import {
  Badge,
  Card,
  EmptyState,
  ErrorState,
  LoadingState,
  PageHeader,
  StatTile,
  formatRelative,
} from "@stratavore/ui";
import { ActiveRunnersPanel } from "../../src/dashboard/active-runners";
import { BudgetsAtRisk } from "../../src/dashboard/budgets-at-risk";
import { SubscriptionWindows } from "../../src/dashboard/subscription-windows";
import { SpendTiles } from "../../src/dashboard/spend-tiles";
import { errorMessage } from "../../src/hooks/use-error-message";
import { useTRPC } from "../../src/trpc";

/** Above this the tile says "500+": the list is capped and there is no count procedure. */
const ACTIVE_LIMIT = 500;

const useActiveRunners = () => {
  const trpc = useTRPC();
  return useQuery(trpc.runners.list.queryOptions({ status: "active", limit: ACTIVE_LIMIT }));
};

/** Live fleet figures; each tile waits for its own query so one slow list blanks nothing else. */
function FleetTiles() {
  const trpc = useTRPC();
  const active = useActiveRunners();
  const nodes = useQuery(trpc.nodes.list.queryOptions());
  const runnerCount = active.data
    ? active.data.length >= ACTIVE_LIMIT
      ? `${ACTIVE_LIMIT}+`
      : active.data.length
    : active.isError
      ? "?"
      : "…";
  const paused = active.data?.filter((r) => r.status === "paused").length ?? 0;
  const waiting = active.data?.filter((r) => r.status === "running" && r.activity === "waiting").length ?? 0;
  const live = nodes.data?.filter((n) => !n.revokedAt) ?? [];
  const online = live.filter((n) => n.status === "online" && n.connected).length;
  return (
    <>
      <Link href="/runners?status=active" className="tile-link" data-testid="tile-active-runners">
        <StatTile
          label="Active runners"
          value={runnerCount}
          hint={
            [waiting ? `${waiting} waiting for you` : "", paused ? `${paused} paused` : ""]
              .filter(Boolean)
              .join(", ") || "starting, running, paused, stopping"
          }
        />
      </Link>
      <Link href="/nodes" className="tile-link" data-testid="tile-online-nodes">
        <StatTile
          label="Online nodes"
          value={nodes.data ? online : nodes.isError ? "?" : "…"}
          hint={nodes.data ? `of ${live.length} joined` : undefined}
        />
      </Link>
    </>
  );
}

export default function DashboardPage() {
  const trpc = useTRPC();
  const active = useActiveRunners();
  const projects = useQuery(trpc.projects.list.queryOptions({ includeArchived: true }));

  if (projects.isPending) return <LoadingState />;
  if (projects.isError) return <ErrorState {...errorMessage(projects.error)} onRetry={() => projects.refetch()} />;

  const all = projects.data;
  const count = (s: string) => all.filter((p) => p.status === s).length;
  const recent = [...all].sort((a, b) => +new Date(b.updatedAt) - +new Date(a.updatedAt)).slice(0, 6);

  return (
    <>
      <PageHeader title="Dashboard" description="Your fleet at a glance." />
      <div className="tiles">
        <StatTile label="Projects" value={all.length - count("archived")} hint={`${count("archived")} archived`} />
        <StatTile label="Active projects" value={count("active")} hint="with a runner going" />
        <StatTile label="Idle projects" value={count("idle")} />
        <FleetTiles />
        <SpendTiles />
      </div>
      <BudgetsAtRisk />
      <SubscriptionWindows />
      <ActiveRunnersPanel runners={active.data} />
      <Card
        title="Recently changed projects"
        actions={
          <Link href="/projects" className="btn btn-ghost btn-sm">
            All projects
          </Link>
        }
      >
        {recent.length === 0 ? (
          <EmptyState
            title="No projects yet"
            action={
              <Link className="btn btn-primary" href="/projects?new=1">
                Create your first project
              </Link>
            }
          >
            A project is a checkout on one of your machines where Claude Code runners work.
          </EmptyState>
        ) : (
          <ul className="list" data-testid="recent-projects">
            {recent.map((p) => (
              <li key={p.id} className="list-row">
                <Link href={`/projects/${p.name}`} className="strong">
                  {p.name}
                </Link>
                <Badge>{p.status}</Badge>
                <span className="muted mono ellipsis">{p.path}</span>
                <span className="muted right">{formatRelative(p.updatedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
