"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Runner } from "@stratavore/contracts";
import { Button, Field, Select, TextArea, TextInput } from "@stratavore/ui";
import { useTRPC } from "../trpc";

export interface ResumeChoice {
  fork: boolean;
  node?: string;
  prompt?: string;
  model?: string;
  extraArgs?: string[];
}

/**
 * Where to resume and with what: a node, the next message, and the model and claude flags —
 * left empty, the server carries over what the session's last runner used (shown as hints).
 */
export function ResumeOptions({
  busy,
  disabled,
  lastRunner,
  onGo,
}: {
  busy: boolean;
  disabled: boolean;
  lastRunner: Runner | null;
  onGo: (c: ResumeChoice) => void;
}) {
  const trpc = useTRPC();
  const nodes = useQuery(trpc.nodes.list.queryOptions());
  const [node, setNode] = useState("");
  const [prompt, setPrompt] = useState("");
  const [model, setModel] = useState("");
  const [flags, setFlags] = useState("");
  const usable = (nodes.data ?? []).filter((n) => n.status === "online" && n.connected && !n.revokedAt);
  const choice = (fork: boolean): ResumeChoice => ({
    fork,
    node: node || undefined,
    prompt: prompt.trim() ? prompt : undefined,
    model: model.trim() || undefined,
    extraArgs: flags.trim() ? flags.trim().split(/\s+/) : undefined,
  });
  return (
    <div className="form resume-options" data-testid="resume-options">
      <div className="form-row">
        <Field label="Node" htmlFor="resume-node" hint="Empty: where it last ran, if online.">
          <Select id="resume-node" aria-label="Node" value={node} onChange={(e) => setNode(e.target.value)}>
            <option value="">
              {nodes.isPending ? "Loading nodes…" : usable.length ? "Its own node, or any" : "No online nodes"}
            </option>
            {usable.map((n) => (
              <option key={n.id} value={n.name}>
                {n.name} ({n.activeRunners}/{n.capacity})
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Model" htmlFor="resume-model" hint={`Empty: ${lastRunner?.model ?? "claude's default"}.`}>
          <TextInput
            id="resume-model"
            value={model}
            onChange={(e) => setModel(e.target.value)}
            placeholder={lastRunner?.model ?? "default"}
          />
        </Field>
      </div>
      <Field label="Prompt" htmlFor="resume-prompt" hint="Optional: the next message to send.">
        <TextArea id="resume-prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} />
      </Field>
      <Field
        label="Claude flags"
        htmlFor="resume-flags"
        hint={
          lastRunner?.flags.length
            ? `Empty: as before (${lastRunner.flags.join(" ")}).`
            : "Split on spaces (no quoting)."
        }
      >
        <TextInput
          id="resume-flags"
          className="input mono"
          value={flags}
          onChange={(e) => setFlags(e.target.value)}
          placeholder={lastRunner?.flags.join(" ") || "--permission-mode plan"}
        />
      </Field>
      <div className="form-actions">
        <Button variant="primary" busy={busy} disabled={disabled} onClick={() => onGo(choice(false))}>
          Resume here
        </Button>
        <Button disabled={disabled} onClick={() => onGo(choice(true))}>
          Fork here
        </Button>
      </div>
    </div>
  );
}
