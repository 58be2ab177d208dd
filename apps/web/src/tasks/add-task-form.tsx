"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Button, Field, TextArea, TextInput } from "@stratavore/ui";
import { formErrors } from "../hooks/use-error-message";
import { useTRPC } from "../trpc";

/** Queue a task on a project: a prompt, and optionally a priority and a model. */
export function AddTaskForm({ project }: { project: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const id = useId();
  const [prompt, setPrompt] = useState("");
  const [priority, setPriority] = useState("0");
  const [model, setModel] = useState("");
  const add = useMutation(
    trpc.tasks.add.mutationOptions({
      onSuccess: () => {
        setPrompt("");
        void qc.invalidateQueries({ queryKey: trpc.tasks.list.pathKey() });
        void qc.invalidateQueries({ queryKey: trpc.pools.get.pathKey() });
      },
    }),
  );
  const { issues, general } = formErrors(add.error);
  return (
    <form
      className="task-form"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate({
          project,
          prompt,
          priority: Number(priority) || 0,
          model: model.trim() || undefined,
          source: "ui",
        });
      }}
    >
      <Field
        label="Task"
        htmlFor={`${id}-prompt`}
        error={issues.prompt}
        hint="What a runner should do, as you would ask claude."
      >
        <TextArea
          id={`${id}-prompt`}
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          placeholder="Fix the failing test in billing/invoice.test.ts"
          required
        />
      </Field>
      <div className="form-row">
        <Field label="Priority" htmlFor={`${id}-priority`} error={issues.priority} hint="Higher goes first.">
          <TextInput
            id={`${id}-priority`}
            type="number"
            min={-1000}
            max={1000}
            value={priority}
            onChange={(e) => setPriority(e.target.value)}
          />
        </Field>
        <Field label="Model" htmlFor={`${id}-model`} error={issues.model} hint="Optional.">
          <TextInput id={`${id}-model`} value={model} onChange={(e) => setModel(e.target.value)} placeholder="sonnet" />
        </Field>
      </div>
      {general ? (
        <p className="alert alert-error" role="alert">
          {general}
        </p>
      ) : null}
      <Button type="submit" variant="primary" disabled={add.isPending || !prompt.trim()}>
        {add.isPending ? "Queuing…" : "Queue task"}
      </Button>
    </form>
  );
}
