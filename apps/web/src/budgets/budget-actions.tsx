"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Budget } from "@stratavore/contracts";
import { Button, ConfirmDialog, Modal } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { applyBudgetDelete, applyBudgetUpsert } from "../realtime/budget-cache";
import { useMe } from "../require-auth";
import { useTRPC } from "../trpc";
import { budgetErrorsFrom } from "./budget-errors";
import { BudgetForm, type BudgetFieldErrors } from "./budget-form";

/** "New budget" for admins; the created budget lands in the list at once. */
export function CreateBudgetButton() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const me = useMe();
  const [open, setOpen] = useState(false);
  const [errors, setErrors] = useState<BudgetFieldErrors>({});
  const close = () => {
    setOpen(false);
    setErrors({});
  };
  const create = useMutation(
    trpc.budgets.create.mutationOptions({
      onSuccess: (b) => {
        applyBudgetUpsert(qc, b);
        close();
      },
      onError: (e) => setErrors(budgetErrorsFrom(e)),
    }),
  );
  if (me.role !== "admin") return null;
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)} data-testid="new-budget">
        New budget
      </Button>
      <Modal title="New budget" open={open} onClose={close}>
        <BudgetForm
          submitLabel="Create budget"
          busy={create.isPending}
          errors={errors}
          onCancel={close}
          onSubmit={(v) =>
            create.mutate({
              name: v.name,
              scope: v.scope,
              scopeRef: v.scope === "global" ? undefined : v.scopeRef.trim(),
              period: v.period,
              limitTokens: v.limitTokens,
              limitUsd: v.limitUsd,
              warnPercent: v.warnPercent,
              action: v.action,
            })
          }
        />
      </Modal>
    </>
  );
}

type Dialog = null | "edit" | "delete";

/** Edit, enable/disable and delete (with confirmation), for admins only. */
export function BudgetActions({ budget: b }: { budget: Budget }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const me = useMe();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [errors, setErrors] = useState<BudgetFieldErrors>({});
  const [actionError, setActionError] = useState<string | null>(null);
  const close = () => {
    setDialog(null);
    setErrors({});
    setActionError(null);
  };

  const update = useMutation(
    trpc.budgets.update.mutationOptions({
      onSuccess: (saved) => {
        applyBudgetUpsert(qc, saved);
        close();
      },
      onError: (e) => (dialog === "edit" ? setErrors(budgetErrorsFrom(e)) : setActionError(errorMessage(e).message)),
    }),
  );
  const remove = useMutation(
    trpc.budgets.delete.mutationOptions({
      onSuccess: () => {
        applyBudgetDelete(qc, b.id);
        close();
      },
      onError: (e) => setActionError(errorMessage(e).message),
    }),
  );

  if (me.role !== "admin") return null;
  return (
    <div className="row-actions">
      <Button size="sm" onClick={() => setDialog("edit")}>
        Edit
      </Button>
      <Button
        size="sm"
        busy={update.isPending && dialog === null}
        onClick={() => update.mutate({ id: b.id, enabled: !b.enabled })}
        data-testid="budget-toggle"
      >
        {b.enabled ? "Disable" : "Enable"}
      </Button>
      <Button size="sm" variant="danger" onClick={() => setDialog("delete")}>
        Delete
      </Button>
      {actionError && dialog === null ? (
        <span className="inline-error" role="alert">
          {actionError}
        </span>
      ) : null}

      <Modal title={`Edit ${b.name}`} open={dialog === "edit"} onClose={close}>
        <BudgetForm
          initial={b}
          submitLabel="Save changes"
          busy={update.isPending}
          errors={errors}
          onCancel={close}
          onSubmit={(v) =>
            update.mutate({
              id: b.id,
              name: v.name,
              limitTokens: v.limitTokens,
              limitUsd: v.limitUsd,
              warnPercent: v.warnPercent,
              action: v.action,
            })
          }
        />
      </Modal>
      <ConfirmDialog
        open={dialog === "delete"}
        danger
        title={`Delete ${b.name}?`}
        confirmLabel="Delete budget"
        busy={remove.isPending}
        error={actionError}
        message="Its limit stops applying at once. The usage it counted stays in the ledger."
        onConfirm={() => remove.mutate({ id: b.id })}
        onClose={close}
      />
    </div>
  );
}
