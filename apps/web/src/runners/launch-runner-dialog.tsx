"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Modal } from "@stratavore/ui";
import { errorMessage, fieldIssues } from "../hooks/use-error-message";
import { noFolderReason } from "../projects/no-folder-reason";
import { useFleetCache } from "../realtime/realtime-provider";
import { useTRPC } from "../trpc";
import { exceededBudget, LaunchBudgetWarning, useBlockingBudgets } from "./launch-budget-warning";
import { LaunchForm } from "./launch-form";

/**
 * Launches a runner in one project. Refusals (quota, no node, missing path, archived) come
 * back coded with a sentence meant for people; the dialog shows both and stays open.
 */
export function LaunchRunnerDialog({
  project,
  open,
  onClose,
}: {
  project: string;
  open: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const { placeRunner } = useFleetCache();
  const [failure, setFailure] = useState<{ message: string; code?: string } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const near = useBlockingBudgets(project);
  const blocked = exceededBudget(near);
  // Asked each time the dialog opens: a checkout made meanwhile shows at once.
  const folder = useQuery(trpc.projects.folder.queryOptions({ ref: project }, { enabled: open, staleTime: 0 }));
  const nowhere = noFolderReason(folder.data, "launch");
  const launch = useMutation(
    trpc.runners.launch.mutationOptions({
      onSuccess: (runner) => {
        placeRunner(runner);
        router.push(`/runners/${runner.id}`);
      },
      onError: (err) => {
        const issues = fieldIssues(err);
        setErrors(issues);
        setFailure(Object.keys(issues).length ? null : errorMessage(err));
      },
    }),
  );
  const close = () => {
    setFailure(null);
    setErrors({});
    onClose();
  };
  return (
    <Modal title={`Launch a runner in ${project}`} open={open} onClose={close}>
      <LaunchBudgetWarning near={near} />
      {nowhere ? <Alert>{nowhere}</Alert> : null}
      {failure ? (
        <Alert>
          {failure.message}
          {failure.code ? <code className="error-code">{failure.code}</code> : null}
        </Alert>
      ) : null}
      <LaunchForm
        busy={launch.isPending}
        blockedBy={blocked ? `Blocked by budget ${blocked.name}` : null}
        errors={errors}
        onCancel={close}
        onSubmit={(v) => {
          setFailure(null);
          setErrors({});
          launch.mutate({ ...v, project });
        }}
      />
    </Modal>
  );
}
