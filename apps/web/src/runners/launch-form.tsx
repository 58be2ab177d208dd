"use client";
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { CONVERSATION_MODES, type RunnerLaunchInput } from "@stratavore/contracts";
import { Button, Field, Select, TextArea, TextInput } from "@stratavore/ui";
import { useTRPC } from "../trpc";

type Mode = (typeof CONVERSATION_MODES)[number];
export type LaunchValues = Omit<RunnerLaunchInput, "project">;

const MODE_HINTS: Record<Mode, string> = {
  new: "A fresh conversation.",
  continue:
    "The project's most recent session, resumed by its id (Stratavore picks it, so the runner knows its session up front).",
  resume: "Claude's --resume: a specific earlier session, by its id.",
};

/** The launch options; whatever is left empty is the server's default. */
export function LaunchForm({
  busy,
  blockedBy = null,
  errors,
  onSubmit,
  onCancel,
}: {
  busy: boolean;
  /** Why a launch would be refused now (an exceeded budget): the button says so instead of inviting a click. */
  blockedBy?: string | null;
  errors: Record<string, string>;
  onSubmit: (values: LaunchValues) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const nodes = useQuery(trpc.nodes.list.queryOptions());
  const [mode, setMode] = useState<Mode>("new");
  const [sessionId, setSessionId] = useState("");
  const [model, setModel] = useState("");
  const [prompt, setPrompt] = useState("");
  const [node, setNode] = useState("");
  const [flags, setFlags] = useState("");
  // Only nodes that could take it right now; "any" lets the server pick the least loaded.
  const usable = (nodes.data ?? []).filter((n) => n.status === "online" && n.connected && !n.revokedAt);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({
      mode,
      resumeSessionId: mode === "resume" ? sessionId.trim() : undefined,
      model: model.trim() || undefined,
      prompt: prompt.trim() ? prompt : undefined,
      node: node || undefined,
      extraArgs: flags.trim() ? flags.trim().split(/\s+/) : [],
    });
  };

  return (
    <form onSubmit={submit} className="form" noValidate>
      <div className="form-row">
        <Field label="Conversation" htmlFor="launch-mode" hint={MODE_HINTS[mode]} error={errors.mode}>
          <Select id="launch-mode" value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
            {CONVERSATION_MODES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label="Node"
          htmlFor="launch-node"
          error={errors.node}
          hint={nodes.isError ? "Could not list nodes." : undefined}
        >
          <Select id="launch-node" value={node} onChange={(e) => setNode(e.target.value)}>
            <option value="">Any online node</option>
            {usable.map((n) => (
              <option key={n.id} value={n.name}>
                {n.name} ({n.activeRunners}/{n.capacity})
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {mode === "resume" ? (
        <Field
          label="Session id"
          htmlFor="launch-session"
          error={errors.resumeSessionId}
          hint="The UUID of the Claude Code session to resume."
        >
          <TextInput
            id="launch-session"
            className="input mono"
            value={sessionId}
            onChange={(e) => setSessionId(e.target.value)}
            placeholder="00000000-0000-0000-0000-000000000000"
            required
          />
        </Field>
      ) : null}
      <Field
        label="Model"
        htmlFor="launch-model"
        error={errors.model}
        hint="Optional, e.g. sonnet or opus; empty uses Claude's default."
      >
        <TextInput id="launch-model" value={model} onChange={(e) => setModel(e.target.value)} placeholder="default" />
      </Field>
      <Field label="Prompt" htmlFor="launch-prompt" error={errors.prompt} hint="Optional first message.">
        <TextArea id="launch-prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} />
      </Field>
      <Field
        label="Extra claude flags"
        htmlFor="launch-flags"
        error={errors.extraArgs}
        hint="Passed as given, split on spaces (no quoting)."
      >
        <TextInput
          id="launch-flags"
          className="input mono"
          value={flags}
          onChange={(e) => setFlags(e.target.value)}
          placeholder="--permission-mode plan"
        />
      </Field>
      <div className="form-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={busy} disabled={Boolean(blockedBy)}>
          {blockedBy ?? "Launch"}
        </Button>
      </div>
    </form>
  );
}
