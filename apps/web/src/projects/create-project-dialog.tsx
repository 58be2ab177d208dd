"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Modal } from "@stratavore/ui";
import { applyProjectUpsert } from "../realtime/project-cache";
import { useTRPC } from "../trpc";
import { fieldErrorsFrom, ProjectForm, type FieldErrors } from "./project-form";

export function CreateProjectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const qc = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  // Other tabs learn of it from the realtime event; this one applies it at once (idempotent).
  const create = useMutation(
    trpc.projects.create.mutationOptions({
      onSuccess: (p) => {
        applyProjectUpsert(qc, p);
        setErrors({});
        router.push(`/projects/${p.name}`);
      },
      onError: (err) => setErrors(fieldErrorsFrom(err)),
    }),
  );
  return (
    <Modal title="New project" open={open} onClose={onClose}>
      <ProjectForm
        submitLabel="Create project"
        busy={create.isPending}
        errors={errors}
        onCancel={onClose}
        onSubmit={(v) => create.mutate(v)}
      />
    </Modal>
  );
}
