"use client";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { roleAtLeast, type Project, type Task } from "@stratavore/contracts";
import { Badge, Button, Card, EmptyState, ErrorState, LoadingState, formatRelative } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useNow } from "../hooks/use-now";
import { useMe } from "../require-auth";
import { useTRPC } from "../trpc";
import { AddTaskForm } from "./add-task-form";

const SHOWN = 50;

function CancelTask({ task }: { task: Task }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const cancel = useMutation(
    trpc.tasks.cancel.mutationOptions({
      onSettled: () => void qc.invalidateQueries({ queryKey: trpc.tasks.list.pathKey() }),
    }),
  );
  if (task.status !== "queued" && task.status !== "running") return null;
  return (
    <>
      <Button
        size="sm"
        onClick={() => cancel.mutate({ id: task.id })}
        disabled={cancel.isPending}
        aria-label={`Cancel task: ${task.prompt.slice(0, 60)}`}
      >
        Cancel
      </Button>
      {cancel.error ? (
        <span className="inline-error" role="alert">
          {errorMessage(cancel.error).message}
        </span>
      ) : null}
    </>
  );
}

/** The project's task queue: add a task, see each one's state and runner, cancel. Kept live by `pool:changed`. */
export function ProjectTasks({ project }: { project: Project }) {
  const trpc = useTRPC();
  const me = useMe();
  const tasks = useQuery(trpc.tasks.list.queryOptions({ project: project.name, limit: SHOWN }));
  const now = useNow(10_000);
  const canWrite = roleAtLeast(me.role, "operator") && project.status !== "archived";
  const summary = tasks.data
    ? `${tasks.data.queued} queued${tasks.data.oldestQueuedAt ? `, oldest ${formatRelative(tasks.data.oldestQueuedAt, now)}` : ""}`
    : null;
  return (
    <Card title="Tasks" actions={summary ? <span className="muted small">{summary}</span> : null}>
      {canWrite ? <AddTaskForm project={project.name} /> : null}
      {tasks.isPending ? (
        <LoadingState />
      ) : tasks.isError ? (
        <ErrorState {...errorMessage(tasks.error)} onRetry={() => tasks.refetch()} />
      ) : tasks.data.tasks.length === 0 ? (
        <EmptyState title="No tasks yet">
          Queue work here, with <code>stratavore task add</code>, or from the pool&apos;s webhook; the pool below starts
          a runner for each.
        </EmptyState>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Tasks">
          <table className="table" data-testid="tasks-table">
            <thead>
              <tr>
                <th>Task</th>
                <th>Status</th>
                <th className="num hide-sm">Priority</th>
                <th>Runner</th>
                <th className="hide-sm">Added</th>
                <th className="hide-sm">Outcome</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tasks.data.tasks.map((t) => (
                <tr key={t.id} data-task-id={t.id}>
                  <td className="ellipsis task-prompt" title={t.prompt}>
                    {t.prompt}
                  </td>
                  <td>
                    <Badge>{t.status}</Badge>
                  </td>
                  <td className="num hide-sm">{t.priority}</td>
                  <td>
                    {t.runnerId ? (
                      <Link href={`/runners/${t.runnerId}`} className="mono">
                        {t.runnerId.slice(0, 8)}
                      </Link>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="hide-sm muted small">
                    {formatRelative(t.createdAt, now)} · {t.source}
                  </td>
                  <td className="hide-sm muted small">{t.outcome ?? ""}</td>
                  <td>{canWrite ? <CancelTask task={t} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
