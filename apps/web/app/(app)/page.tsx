"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { Badge, Card, EmptyState, ErrorState, LoadingState, PageHeader, StatTile, formatRelative } from "@stratavore/ui";
import { errorMessage } from "../../src/hooks/use-error-message";
import { useTRPC } from "../../src/trpc";

export default function DashboardPage() {
  const trpc = useTRPC();
  const projects = useQuery(trpc.projects.list.queryOptions({ includeArchived: true }));

  if (projects.isPending) return <LoadingState />;
  if (projects.isError) return <ErrorState {...errorMessage(projects.error)} onRetry={() => projects.refetch()} />;

  const all = projects.data;
  const count = (s: string) => all.filter((p) => p.status === s).length;
  const activeRunners = all.reduce((n, p) => n + p.activeRunners, 0);
  const recent = [...all].sort((a, b) => +new Date(b.updatedAt) - +new Date(a.updatedAt)).slice(0, 6);

  return (
    <>
      <PageHeader title="Dashboard" description="Your fleet at a glance." />
      <div className="tiles">
        <StatTile label="Projects" value={all.length - count("archived")} hint={`${count("archived")} archived`} />
        <StatTile label="Active projects" value={count("active")} hint="with a runner going" />
        <StatTile label="Idle projects" value={count("idle")} />
        <StatTile label="Active runners" value={activeRunners} hint="across all projects" />
      </div>
      <Card title="Recently changed projects" actions={<Link href="/projects" className="btn btn-ghost btn-sm">All projects</Link>}>
        {recent.length === 0 ? (
          <EmptyState title="No projects yet" action={<Link className="btn btn-primary" href="/projects?new=1">Create your first project</Link>}>
            A project is a checkout on one of your machines where Claude Code runners work.
          </EmptyState>
        ) : (
          <ul className="list" data-testid="recent-projects">
            {recent.map((p) => (
              <li key={p.id} className="list-row">
                <Link href={`/projects/${p.name}`} className="strong">{p.name}</Link>
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
