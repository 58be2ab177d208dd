"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { Pool } from "@stratavore/contracts";
import { Button, Field, TextInput } from "@stratavore/ui";
import { formErrors } from "../hooks/use-error-message";
import { useTRPC } from "../trpc";

type NumberKey = "minRunners" | "maxRunners" | "idleTimeoutSec" | "maxNodeCpuPercent" | "maxNodeMemoryPercent";
const NUMBERS: [NumberKey, string, string][] = [
  ["minRunners", "Min runners", "Kept ready at the prompt even with no task."],
  ["maxRunners", "Max runners", "Most at once (the project's quota still applies)."],
  ["idleTimeoutSec", "Idle timeout (s)", "A runner with no task stops after this."],
  ["maxNodeCpuPercent", "Node CPU limit (%)", "Nodes busier than this get no new pool runner."],
  ["maxNodeMemoryPercent", "Node memory limit (%)", "Nodes using more memory than this are passed over."],
];

/** The pool's policy, for operators: enabled, sizes, idle timeout, node labels and thresholds. */
export function PoolPolicyForm({ pool }: { pool: Pool }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const id = useId();
  const [enabled, setEnabled] = useState(pool.enabled);
  const [numbers, setNumbers] = useState<Record<NumberKey, string>>(
    () => Object.fromEntries(NUMBERS.map(([k]) => [k, String(pool[k])])) as Record<NumberKey, string>,
  );
  const [labels, setLabels] = useState(pool.nodeLabels.join(", "));
  const save = useMutation(
    trpc.pools.set.mutationOptions({
      onSuccess: (p) => qc.setQueryData(trpc.pools.get.queryKey({ project: pool.projectName }), p),
    }),
  );
  const { issues, general } = formErrors(save.error);
  return (
    <form
      className="pool-form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({
          project: pool.projectName,
          enabled,
          ...(Object.fromEntries(NUMBERS.map(([k]) => [k, Number(numbers[k])])) as Record<NumberKey, number>),
          nodeLabels: labels
            .split(",")
            .map((l) => l.trim())
            .filter(Boolean),
        });
      }}
    >
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Work the queue (start
        runners for tasks)
      </label>
      <div className="form-row form-row-even">
        {NUMBERS.map(([k, label, hint]) => (
          <Field key={k} label={label} htmlFor={`${id}-${k}`} hint={hint} error={issues[k]}>
            <TextInput
              id={`${id}-${k}`}
              type="number"
              min={k === "minRunners" ? 0 : 1}
              value={numbers[k]}
              onChange={(e) => setNumbers((n) => ({ ...n, [k]: e.target.value }))}
              required
            />
          </Field>
        ))}
        <Field
          label="Node labels"
          htmlFor={`${id}-labels`}
          hint="Comma-separated; beside the project's own."
          error={issues.nodeLabels}
        >
          <TextInput
            id={`${id}-labels`}
            value={labels}
            onChange={(e) => setLabels(e.target.value)}
            placeholder="gpu, fast"
          />
        </Field>
      </div>
      {general ? (
        <p className="alert alert-error" role="alert">
          {general}
        </p>
      ) : null}
      {save.isSuccess && !save.isPending ? (
        <p className="muted small" role="status">
          Saved.
        </p>
      ) : null}
      <Button type="submit" variant="primary" disabled={save.isPending}>
        {save.isPending ? "Saving…" : "Save pool"}
      </Button>
    </form>
  );
}
