"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { use } from "react";
import { Badge, Card, ErrorState, LoadingState, PageHeader, StatTile, formatRelative } from "@stratavore/ui";
import { errorMessage } from "../../../../src/hooks/use-error-message";
import { ProjectActions } from "../../../../src/projects/project-actions";
import { LaunchRunnerButton, ProjectRunners } from "../../../../src/projects/project-runners";
import { useTRPC } from "../../../../src/trpc";
import { ProjectSpendTiles } from "../../../../src/usage/project-spend-tiles";
import { ProjectPool } from "../../../../src/tasks/project-pool";
import { ProjectTasks } from "../../../../src/tasks/project-tasks";

export default function ProjectPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = use(params);
  const trpc = useTRPC();
  const project = useQuery(trpc.projects.get.queryOptions({ ref: decodeURIComponent(name) }));

  if (project.isPending) return <LoadingState />;
  if (project.isError) {
    const err = errorMessage(project.error);
    return err.code === "NOT_FOUND" ? (
      <ErrorState message={`There is no project called '${decodeURIComponent(name)}'.`} code={err.code} />
    ) : (
      <ErrorState {...err} onRetry={() => project.refetch()} />
    );
  }
  const p = project.data;
  return (
    <>
      <nav className="crumbs">
        <Link href="/projects">Projects</Link> / <span>{p.name}</span>
      </nav>
      <PageHeader
        title={
          <>
            {p.name} <Badge>{p.status}</Badge>
          </>
        }
        description={p.description || "No description."}
        actions={
          <>
            <LaunchRunnerButton project={p} />
            <ProjectActions project={p} />
          </>
        }
      />
      <div className="tiles">
        <StatTile label="Active runners" value={`${p.stats.activeRunners} / ${p.maxRunners}`} hint="quota" />
        <StatTile label="Runs" value={p.stats.totalRunners} />
        <StatTile label="Sessions" value={p.stats.sessions} />
        <ProjectSpendTiles project={p} />
        <StatTile label="Last activity" value={formatRelative(p.stats.lastActivityAt)} />
      </div>
      <ProjectRunners project={p} />
      <ProjectTasks project={p} />
      <ProjectPool project={p} />
      <Card title="Details">
        <dl className="details">
          <dt>Path</dt>
          <dd className="mono">{p.path}</dd>
          <dt>Tags</dt>
          <dd>
            {p.tags.length ? (
              p.tags.map((t) => (
                <span key={t} className="tag">
                  {t}
                </span>
              ))
            ) : (
              <span className="muted">none</span>
            )}
          </dd>
          <dt>Created</dt>
          <dd>{new Date(p.createdAt).toLocaleString()}</dd>
          <dt>Updated</dt>
          <dd>{formatRelative(p.updatedAt)}</dd>
          {p.archivedAt ? (
            <>
              <dt>Archived</dt>
              <dd>{new Date(p.archivedAt).toLocaleString()}</dd>
            </>
          ) : null}
        </dl>
      </Card>
    </>
  );
}
