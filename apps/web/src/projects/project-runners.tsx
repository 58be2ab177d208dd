"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { roleAtLeast, type Project } from "@stratavore/contracts";
import { Button, Card, EmptyState, ErrorState, LoadingState } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useMe } from "../require-auth";
import { LaunchRunnerDialog } from "../runners/launch-runner-dialog";
import { RunnersTable } from "../runners/runners-table";
import { useTRPC } from "../trpc";

const RECENT_LIMIT = 20;

/** "Launch runner" for operators while the project is not archived. */
export function LaunchRunnerButton({ project }: { project: Project }) {
  const me = useMe();
  const [open, setOpen] = useState(false);
  // The command palette's "Launch a runner in <project>" lands here with ?launch=1 (also when
  // already on this page); the parameter is dropped so a reload does not open it again.
  // (The history entry is rewritten in place: a router navigation would re-run this while the
  // parameter is still in the URL and open the dialog again after it was closed.)
  const asked = useSearchParams().get("launch") === "1";
  useEffect(() => {
    if (!asked) return;
    setOpen(true);
    window.history.replaceState(window.history.state, "", window.location.pathname);
  }, [asked]);
  if (!roleAtLeast(me.role, "operator") || project.status === "archived") return null;
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)}>
        Launch runner
      </Button>
      <LaunchRunnerDialog project={project.name} open={open} onClose={() => setOpen(false)} />
    </>
  );
}

/** The project's most recent runners, kept live by the realtime provider. */
export function ProjectRunners({ project }: { project: Project }) {
  const trpc = useTRPC();
  const runners = useQuery(trpc.runners.list.queryOptions({ project: project.name, limit: RECENT_LIMIT }));
  const all = (
    <Link href={`/runners?project=${encodeURIComponent(project.name)}`} className="btn btn-ghost btn-sm">
      All runners
    </Link>
  );
  return (
    <Card title="Runners" actions={all}>
      {runners.isPending ? (
        <LoadingState />
      ) : runners.isError ? (
        <ErrorState {...errorMessage(runners.error)} onRetry={() => runners.refetch()} />
      ) : runners.data.length === 0 ? (
        <EmptyState title="No runners yet">
          {project.status === "archived"
            ? "Archived projects cannot launch runners."
            : "Launch one to start Claude Code in this checkout."}
        </EmptyState>
      ) : (
        <RunnersTable runners={runners.data} compact project={project.id} testId="project-runners-table" />
      )}
    </Card>
  );
}
