"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { Node } from "@stratavore/contracts";
import { Button, ConfirmDialog } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useFleetCache } from "../realtime/realtime-provider";
import { useTRPC } from "../trpc";

/** Drain / Undrain / Revoke for one node; the caller shows it to admins only. */
export function NodeActions({ node }: { node: Node }) {
  const trpc = useTRPC();
  const { placeNode } = useFleetCache();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const handlers = {
    onSuccess: (n: Node) => {
      placeNode(n);
      setConfirming(false);
      setError(null);
    },
    onError: (e: unknown) => setError(errorMessage(e).message),
  };
  const drain = useMutation(trpc.nodes.drain.mutationOptions(handlers));
  const undrain = useMutation(trpc.nodes.undrain.mutationOptions(handlers));
  const revoke = useMutation(trpc.nodes.revoke.mutationOptions(handlers));
  if (node.revokedAt) return null;
  const ref = { ref: node.id };
  return (
    <div className="row-actions">
      {node.status === "draining" ? (
        <Button size="sm" busy={undrain.isPending} onClick={() => undrain.mutate(ref)}>
          Undrain
        </Button>
      ) : (
        <Button
          size="sm"
          busy={drain.isPending}
          onClick={() => drain.mutate(ref)}
          title="Running runners keep going; no new ones land here."
        >
          Drain
        </Button>
      )}
      <Button size="sm" variant="danger" onClick={() => setConfirming(true)}>
        Revoke
      </Button>
      {error && !confirming ? (
        <span className="inline-error" role="alert">
          {error}
        </span>
      ) : null}
      <ConfirmDialog
        open={confirming}
        danger
        title={`Revoke ${node.name}?`}
        confirmLabel="Revoke node"
        busy={revoke.isPending}
        error={error}
        message="Its agent is disconnected at once and its credential never works again; its runners lose their supervisor. To bring the machine back, join it again with a new token."
        onConfirm={() => revoke.mutate(ref)}
        onClose={() => {
          setConfirming(false);
          setError(null);
        }}
      />
    </div>
  );
}
