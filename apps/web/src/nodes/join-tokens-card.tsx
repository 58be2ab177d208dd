"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { JoinToken } from "@stratavore/contracts";
import { Badge, Button, Card, EmptyState, ErrorState, LoadingState, formatRelative } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useNow } from "../hooks/use-now";
import { useTRPC } from "../trpc";
import { CreateJoinTokenDialog } from "./create-join-token-dialog";
import { joinTokenState } from "./join-token-status";

function TokenRow({ token, now }: { token: JoinToken; now: number }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const revoke = useMutation(
    trpc.joinTokens.revoke.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.joinTokens.list.queryKey() }),
    }),
  );
  const state = joinTokenState(token, now);
  const expiry =
    token.expiresAt.getTime() > now
      ? `expires in ${Math.ceil((token.expiresAt.getTime() - now) / 60_000)} min`
      : `expired ${formatRelative(token.expiresAt, now)}`;
  return (
    <tr>
      <td className="mono" title={token.id}>
        {token.id.slice(0, 8)}
      </td>
      <td>
        <Badge>{state}</Badge>
        {state === "used" ? <span className="muted"> by {token.nodeName ?? "a removed node"}</span> : null}
      </td>
      <td className="muted hide-sm">{formatRelative(token.createdAt, now)}</td>
      <td className="muted">
        {state === "unused" || state === "expired"
          ? expiry
          : state === "used"
            ? formatRelative(token.usedAt, now)
            : formatRelative(token.revokedAt, now)}
      </td>
      <td>
        {state === "unused" ? (
          <Button size="sm" variant="danger" busy={revoke.isPending} onClick={() => revoke.mutate({ id: token.id })}>
            Revoke
          </Button>
        ) : null}
        {revoke.error ? (
          <span className="inline-error" role="alert">
            {errorMessage(revoke.error).message}
          </span>
        ) : null}
      </td>
    </tr>
  );
}

/** Admins mint single-use tokens that let a new machine's agent join this server. */
export function JoinTokensCard() {
  const trpc = useTRPC();
  const tokens = useQuery(trpc.joinTokens.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const now = useNow(30_000);
  return (
    <Card
      title="Join tokens"
      actions={
        <Button size="sm" variant="primary" onClick={() => setCreating(true)}>
          New join token
        </Button>
      }
    >
      {tokens.isPending ? (
        <LoadingState />
      ) : tokens.isError ? (
        <ErrorState {...errorMessage(tokens.error)} onRetry={() => tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <EmptyState title="No join tokens">
          Create one, then run the command it shows on the machine you want to add.
        </EmptyState>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
          <table className="table" data-testid="join-tokens-table">
            <thead>
              <tr>
                <th>Token</th>
                <th>Status</th>
                <th className="hide-sm">Created</th>
                <th>When</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <TokenRow key={t.id} token={t} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateJoinTokenDialog open={creating} onClose={() => setCreating(false)} />
    </Card>
  );
}
