"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { roleAtLeast, type Runner, type Session } from "@stratavore/contracts";
import { Button, Select } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useFleetCache } from "../realtime/realtime-provider";
import { useMe } from "../require-auth";
import { useTRPC } from "../trpc";

/**
 * Resume / Fork / Resume on node… / Continue latest for operators. Each starts a runner and
 * opens it, so success is "you are now looking at the new runner"; refusals show inline.
 */
export function SessionActions({ session }: { session: Session }) {
  const trpc = useTRPC();
  const me = useMe();
  const router = useRouter();
  const { placeRunner } = useFleetCache();
  const [error, setError] = useState<{ message: string; code?: string } | null>(null);
  const [picking, setPicking] = useState(false);
  const [node, setNode] = useState("");
  const operator = roleAtLeast(me.role, "operator");
  const handlers = {
    onMutate: () => setError(null),
    onSuccess: (r: Runner) => { placeRunner(r); router.push(`/runners/${r.id}`); },
    onError: (e: unknown) => setError(errorMessage(e)),
  };
  const resume = useMutation(trpc.sessions.resume.mutationOptions(handlers));
  const launch = useMutation(trpc.runners.launch.mutationOptions(handlers));
  // Node choices only matter once the picker is open.
  const nodes = useQuery(trpc.nodes.list.queryOptions(undefined, { enabled: operator && picking }));
  if (!operator) return null;

  const usable = (nodes.data ?? []).filter((n) => n.status === "online" && n.connected && !n.revokedAt);
  const busy = resume.isPending || launch.isPending;
  // Which button is spinning: the mutation's variables say what was asked.
  const spinning = (fork: boolean, onNode: boolean) => resume.isPending && (resume.variables?.fork ?? false) === fork && Boolean(resume.variables?.node) === onNode;
  const project = session.projectName;
  const notResumable = session.resumable ? undefined : "Claude Code cannot resume this session (its transcript is not on a node).";
  return (
    <div className="session-actions" data-testid="session-actions">
      <div className="row-actions">
        <Button variant="primary" busy={spinning(false, false)} disabled={busy || !session.resumable} title={notResumable} onClick={() => resume.mutate({ id: session.id })}>Resume</Button>
        <Button busy={spinning(true, false)} disabled={busy || !session.resumable} title={notResumable ?? "A new session that starts from this conversation; this one stays as it is."} onClick={() => resume.mutate({ id: session.id, fork: true })}>Fork</Button>
        <Button disabled={busy || !session.resumable} aria-expanded={picking} onClick={() => setPicking((p) => !p)}>Resume on node…</Button>
        {project ? (
          <Button busy={launch.isPending} disabled={busy} title="Claude's --continue: the most recent conversation in the project's checkout." onClick={() => launch.mutate({ project, mode: "continue" })}>Continue latest</Button>
        ) : null}
      </div>
      {picking ? (
        <div className="row-actions">
          <Select aria-label="Node" value={node} onChange={(e) => setNode(e.target.value)}>
            <option value="">{nodes.isPending ? "Loading nodes…" : usable.length ? "Choose an online node" : "No online nodes"}</option>
            {usable.map((n) => <option key={n.id} value={n.name}>{n.name} ({n.activeRunners}/{n.capacity})</option>)}
          </Select>
          <Button size="sm" variant="primary" busy={spinning(false, true)} disabled={busy || !node} onClick={() => resume.mutate({ id: session.id, node })}>Resume there</Button>
        </div>
      ) : null}
      {error ? <span className="inline-error" role="alert">{error.message}{error.code ? <code className="error-code">{error.code}</code> : null}</span> : null}
    </div>
  );
}
