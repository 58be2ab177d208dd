"use client";
import { useState, type FormEvent } from "react";
import type { Project } from "@stratavore/contracts";
import { Alert, Button, Field, Select, TextArea, TextInput } from "@stratavore/ui";

export interface ProjectFormValues {
  name: string;
  path: string;
  description: string;
  tags: string[];
  maxRunners: number;
  /** Per-runner cgroup limits; null = none. */
  runnerMemoryMb: number | null;
  runnerCpuPercent: number | null;
  /** The watchdog's settings: editing only (a new project starts with the defaults). */
  watchdogStallSeconds?: number;
  watchdogOnStall?: Project["watchdogOnStall"];
  watchdogOnErrorLoop?: Project["watchdogOnErrorLoop"];
}

export type FieldErrors = Partial<Record<keyof ProjectFormValues | "form", string>>;

/** Maps the server's VALIDATION issues (and name conflicts) onto the form's fields. */
export function fieldErrorsFrom(err: unknown): FieldErrors {
  const e = err as {
    message?: string;
    data?: { appCode?: string; issues?: { path: string; message: string }[] };
  } | null;
  if (e?.data?.appCode === "PROJECT_NAME_TAKEN") return { name: e.message };
  const out: FieldErrors = {};
  for (const issue of e?.data?.issues ?? []) {
    const key = issue.path.split(".")[0] as keyof ProjectFormValues;
    out[key] ??= issue.message;
  }
  if (Object.keys(out).length === 0) out.form = e?.message ?? "Could not save.";
  return out;
}

export function ProjectForm({
  initial,
  submitLabel,
  busy,
  errors,
  onSubmit,
  onCancel,
}: {
  initial?: Project;
  submitLabel: string;
  busy: boolean;
  errors: FieldErrors;
  onSubmit: (values: ProjectFormValues) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(initial?.name ?? "");
  const [path, setPath] = useState(initial?.path ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [tags, setTags] = useState(initial?.tags.join(", ") ?? "");
  const [maxRunners, setMaxRunners] = useState(String(initial?.maxRunners ?? 5));
  const [memoryMb, setMemoryMb] = useState(initial?.runnerMemoryMb ? String(initial.runnerMemoryMb) : "");
  const [cpuPercent, setCpuPercent] = useState(initial?.runnerCpuPercent ? String(initial.runnerCpuPercent) : "");
  const [stallMinutes, setStallMinutes] = useState(String((initial?.watchdogStallSeconds ?? 600) / 60));
  const [onStall, setOnStall] = useState(initial?.watchdogOnStall ?? "notify");
  const [onErrorLoop, setOnErrorLoop] = useState(initial?.watchdogOnErrorLoop ?? "notify");
  const optionalNumber = (v: string) => (v.trim() === "" ? null : Number(v));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({
      name: name.trim(),
      path: path.trim(),
      description,
      tags: tags
        .split(/[,\s]+/)
        .map((t) => t.trim())
        .filter(Boolean),
      maxRunners: Number(maxRunners),
      runnerMemoryMb: optionalNumber(memoryMb),
      runnerCpuPercent: optionalNumber(cpuPercent),
      ...(initial
        ? {
            watchdogStallSeconds: Math.round(Number(stallMinutes) * 60),
            watchdogOnStall: onStall,
            watchdogOnErrorLoop: onErrorLoop,
          }
        : {}),
    });
  };

  return (
    <form onSubmit={submit} className="form" noValidate>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <Field
        label="Name"
        htmlFor="project-name"
        hint="A slug: lowercase letters, digits and dashes."
        error={errors.name}
      >
        <TextInput
          id="project-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="my-service"
          autoFocus
          required
        />
      </Field>
      <Field label="Path" htmlFor="project-path" hint="Absolute path of the checkout on the node." error={errors.path}>
        <TextInput
          id="project-path"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/home/me/src/my-service"
          className="input mono"
          required
        />
      </Field>
      <Field label="Description" htmlFor="project-description" error={errors.description}>
        <TextArea id="project-description" value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      <div className="form-row">
        <Field label="Tags" htmlFor="project-tags" hint="Comma separated." error={errors.tags}>
          <TextInput
            id="project-tags"
            value={tags}
            onChange={(e) => setTags(e.target.value)}
            placeholder="backend, go"
          />
        </Field>
        <Field label="Max concurrent runners" htmlFor="project-max" error={errors.maxRunners}>
          <TextInput
            id="project-max"
            type="number"
            min={1}
            max={100}
            value={maxRunners}
            onChange={(e) => setMaxRunners(e.target.value)}
          />
        </Field>
      </div>
      <div className="form-row">
        <Field
          label="Memory limit per runner (MiB)"
          htmlFor="project-memory"
          hint="Empty: none. Enforced on nodes with cgroups."
          error={errors.runnerMemoryMb}
        >
          <TextInput
            id="project-memory"
            type="number"
            min={64}
            value={memoryMb}
            onChange={(e) => setMemoryMb(e.target.value)}
            placeholder="none"
          />
        </Field>
        <Field
          label="CPU limit per runner (%)"
          htmlFor="project-cpu"
          hint="100 = one core. Empty: none."
          error={errors.runnerCpuPercent}
        >
          <TextInput
            id="project-cpu"
            type="number"
            min={5}
            value={cpuPercent}
            onChange={(e) => setCpuPercent(e.target.value)}
            placeholder="none"
          />
        </Field>
      </div>
      {initial ? (
        <div className="form-row">
          <Field
            label="Stalled after (min)"
            htmlFor="project-stall"
            hint="Working with no output and no transcript growth this long."
            error={errors.watchdogStallSeconds}
          >
            <TextInput
              id="project-stall"
              type="number"
              min={1}
              step="any"
              value={stallMinutes}
              onChange={(e) => setStallMinutes(e.target.value)}
            />
          </Field>
          <Field label="When a runner stalls" htmlFor="project-on-stall" error={errors.watchdogOnStall}>
            <Select
              id="project-on-stall"
              value={onStall}
              onChange={(e) => setOnStall(e.target.value as typeof onStall)}
            >
              <option value="notify">Notify</option>
              <option value="restart">Notify and restart it (resume)</option>
            </Select>
          </Field>
          <Field label="When it loops on API errors" htmlFor="project-on-error-loop" error={errors.watchdogOnErrorLoop}>
            <Select
              id="project-on-error-loop"
              value={onErrorLoop}
              onChange={(e) => setOnErrorLoop(e.target.value as typeof onErrorLoop)}
            >
              <option value="notify">Notify</option>
              <option value="pause">Notify and pause it</option>
            </Select>
          </Field>
        </div>
      ) : null}
      <div className="form-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
