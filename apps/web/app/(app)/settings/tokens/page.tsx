"use client";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { ApiToken, TokenScope } from "@stratavore/contracts";
import {
  Alert,
  Badge,
  Button,
  ConfirmDialog,
  CopyButton,
  EmptyState,
  ErrorState,
  Field,
  LoadingState,
  Modal,
  PageHeader,
  TextInput,
  formatRelative,
} from "@stratavore/ui";
import { errorMessage } from "../../../../src/hooks/use-error-message";
import { useTRPC } from "../../../../src/trpc";

function CreateTokenForm({ onCreated }: { onCreated: (secret: string) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [write, setWrite] = useState(true);
  const [days, setDays] = useState("");
  const create = useMutation(
    trpc.apiTokens.create.mutationOptions({
      onSuccess: (res) => {
        qc.setQueryData(trpc.apiTokens.list.queryKey(), (old: ApiToken[] | undefined) => [res.token, ...(old ?? [])]);
        setName("");
        onCreated(res.secret);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const scopes: TokenScope[] = write ? ["read", "write"] : ["read"];
    create.mutate({ name, scopes, expiresInDays: days ? Number(days) : undefined });
  };
  return (
    <form className="form form-inline" onSubmit={submit} noValidate>
      {create.error ? <Alert>{errorMessage(create.error).message}</Alert> : null}
      <Field label="Token name" htmlFor="token-name" hint="Where it will be used, e.g. “laptop CLI”.">
        <TextInput id="token-name" value={name} onChange={(e) => setName(e.target.value)} required />
      </Field>
      <Field label="Expires in days" htmlFor="token-days" hint="Empty: never.">
        <TextInput id="token-days" type="number" min={1} value={days} onChange={(e) => setDays(e.target.value)} />
      </Field>
      <label className="check">
        <input type="checkbox" checked={write} onChange={(e) => setWrite(e.target.checked)} /> Allow changes (write
        scope)
      </label>
      <Button type="submit" variant="primary" busy={create.isPending}>
        Create token
      </Button>
    </form>
  );
}

export default function TokensPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const tokens = useQuery(trpc.apiTokens.list.queryOptions());
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useMutation(
    trpc.apiTokens.revoke.mutationOptions({
      onSuccess: () => {
        qc.setQueryData(trpc.apiTokens.list.queryKey(), (old: ApiToken[] | undefined) =>
          (old ?? []).map((t) => (t.id === revoking?.id ? { ...t, revokedAt: new Date() } : t)),
        );
        // Tokens it minted were revoked with it.
        void qc.invalidateQueries({ queryKey: trpc.apiTokens.list.queryKey() });
        setRevoking(null);
      },
    }),
  );

  return (
    <>
      <nav className="crumbs">
        <Link href="/settings">Settings</Link> / <span>API tokens</span>
      </nav>
      <PageHeader
        title="API tokens"
        description={
          <>
            Use a token with <code>stratavore login --server URL --token TOKEN</code>.
          </>
        }
      />
      <CreateTokenForm onCreated={setSecret} />
      {tokens.isPending ? (
        <LoadingState />
      ) : tokens.isError ? (
        <ErrorState {...errorMessage(tokens.error)} onRetry={() => tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <EmptyState title="No API tokens">Create one above to use the CLI.</EmptyState>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
          <table className="table" data-testid="tokens-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Prefix</th>
                <th>Scopes</th>
                <th className="hide-sm">Last used</th>
                <th className="hide-sm">Expires</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <td className="strong">{t.name}</td>
                  <td className="mono">{t.prefix}…</td>
                  <td>{t.scopes.join(", ")}</td>
                  <td className="muted hide-sm">{formatRelative(t.lastUsedAt)}</td>
                  <td className="muted hide-sm">
                    {t.expiresAt ? new Date(t.expiresAt).toLocaleDateString() : "never"}
                  </td>
                  <td className="right">
                    {t.revokedAt ? (
                      <Badge>revoked</Badge>
                    ) : (
                      <Button size="sm" variant="danger" onClick={() => setRevoking(t)}>
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Modal
        title="Your new API token"
        open={secret !== null}
        onClose={() => setSecret(null)}
        footer={
          <Button variant="primary" onClick={() => setSecret(null)}>
            I have copied it
          </Button>
        }
      >
        <p>Copy it now: it is shown only this once and stored only as a hash.</p>
        <pre className="secret" data-testid="token-secret">
          {secret}
        </pre>
        {secret && <CopyButton text={secret} />}
      </Modal>
      <ConfirmDialog
        open={revoking !== null}
        danger
        title={`Revoke ${revoking?.name ?? ""}?`}
        confirmLabel="Revoke"
        message="Anything using this token stops working at once."
        busy={revoke.isPending}
        error={revoke.error ? errorMessage(revoke.error).message : null}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
        onClose={() => setRevoking(null)}
      />
    </>
  );
}
