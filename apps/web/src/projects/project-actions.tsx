"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { roleAtLeast, type Project } from "@stratavore/contracts";
import { Button, ConfirmDialog, Modal } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { applyProjectDelete, applyProjectUpsert } from "../realtime/project-cache";
import { useMe } from "../require-auth";
import { useTRPC } from "../trpc";
import { fieldErrorsFrom, ProjectForm, type FieldErrors } from "./project-form";

type Dialog = null | "edit" | "archive" | "delete";

/** Edit, archive/unarchive and delete, each behind the role that may do it. */
export function ProjectActions({ project }: { project: Project }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const me = useMe();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [actionError, setActionError] = useState<string | null>(null);
  const close = () => {
    setDialog(null);
    setErrors({});
    setActionError(null);
  };
  const onSaved = (p: Project) => {
    applyProjectUpsert(qc, p);
    close();
    if (p.name !== project.name) router.replace(`/projects/${p.name}`);
  };

  const update = useMutation(
    trpc.projects.update.mutationOptions({ onSuccess: onSaved, onError: (e) => setErrors(fieldErrorsFrom(e)) }),
  );
  const archive = useMutation(
    trpc.projects.archive.mutationOptions({
      onSuccess: onSaved,
      onError: (e) => setActionError(errorMessage(e).message),
    }),
  );
  const unarchive = useMutation(
    trpc.projects.unarchive.mutationOptions({
      onSuccess: onSaved,
      onError: (e) => setActionError(errorMessage(e).message),
    }),
  );
  const remove = useMutation(
    trpc.projects.delete.mutationOptions({
      onSuccess: () => {
        applyProjectDelete(qc, project.id);
        router.replace("/projects");
      },
      onError: (e) => setActionError(errorMessage(e).message),
    }),
  );

  if (!roleAtLeast(me.role, "operator")) return null;
  const archived = project.status === "archived";
  return (
    <div className="page-actions">
      <Button onClick={() => setDialog("edit")}>Edit</Button>
      {archived ? (
        <Button busy={unarchive.isPending} onClick={() => unarchive.mutate({ id: project.id })}>
          Unarchive
        </Button>
      ) : (
        <Button onClick={() => setDialog("archive")}>Archive</Button>
      )}
      {me.role === "admin" ? (
        <Button variant="danger" onClick={() => setDialog("delete")}>
          Delete
        </Button>
      ) : null}
      {actionError && dialog === null ? (
        <span className="inline-error" role="alert">
          {actionError}
        </span>
      ) : null}

      <Modal title={`Edit ${project.name}`} open={dialog === "edit"} onClose={close}>
        <ProjectForm
          initial={project}
          submitLabel="Save changes"
          busy={update.isPending}
          errors={errors}
          onCancel={close}
          onSubmit={(v) => update.mutate({ id: project.id, ...v })}
        />
      </Modal>
      <ConfirmDialog
        open={dialog === "archive"}
        title={`Archive ${project.name}?`}
        confirmLabel="Archive"
        busy={archive.isPending}
        error={actionError}
        message="Archived projects are hidden from lists and cannot launch runners. You can unarchive them later."
        onConfirm={() => archive.mutate({ id: project.id })}
        onClose={close}
      />
      <ConfirmDialog
        open={dialog === "delete"}
        danger
        title={`Delete ${project.name}?`}
        confirmLabel="Delete for good"
        busy={remove.isPending}
        error={actionError}
        message="This removes the project and its runner history. Sessions and usage stay in the ledger without a project."
        onConfirm={() => remove.mutate({ id: project.id })}
        onClose={close}
      />
    </div>
  );
}
