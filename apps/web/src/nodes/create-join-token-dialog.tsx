"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { JoinToken } from "@stratavore/contracts";
import { Alert, Button, CopyButton, Field, Modal, TextInput } from "@stratavore/ui";
import { errorMessage, fieldIssues } from "../hooks/use-error-message";
import { useTRPC } from "../trpc";
import { agentCommandLine } from "./join-token-status";

const MAX_TTL_MINUTES = 7 * 24 * 60;

/** The secret exists only in this dialog: the server keeps its hash, so closing forgets it. */
function SecretShownOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const command = agentCommandLine(window.location.origin, secret);
  return (
    <div className="form">
      <Alert tone="warning">Copy it now: this token is shown once and works for one machine.</Alert>
      <div className="field">
        <span className="strong">Run this on the new machine</span>
        <pre className="secret" data-testid="join-command">
          {command}
        </pre>
        <div>
          <CopyButton text={command} />
        </div>
      </div>
      <div className="field">
        <span className="strong">Token</span>
        <pre className="secret" data-testid="join-secret">
          {secret}
        </pre>
      </div>
      <div className="form-actions">
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}

export function CreateJoinTokenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [ttl, setTtl] = useState("60");
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation(
    trpc.joinTokens.create.mutationOptions({
      onSuccess: (created) => {
        qc.setQueryData<JoinToken[]>(trpc.joinTokens.list.queryKey(), (list) =>
          list ? [created.token, ...list] : list,
        );
        setSecret(created.secret);
      },
    }),
  );
  const close = () => {
    setSecret(null);
    create.reset();
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ ttlMinutes: Number(ttl) });
  };
  const ttlError = create.error ? fieldIssues(create.error).ttlMinutes : undefined;
  return (
    <Modal title="New join token" open={open} onClose={close}>
      {secret ? (
        <SecretShownOnce secret={secret} onDone={close} />
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          {create.error && !ttlError ? <Alert>{errorMessage(create.error).message}</Alert> : null}
          <Field
            label="Valid for (minutes)"
            htmlFor="join-ttl"
            error={ttlError}
            hint={`An unused token stops working after this; at most ${MAX_TTL_MINUTES} (a week).`}
          >
            <TextInput
              id="join-ttl"
              type="number"
              min={1}
              max={MAX_TTL_MINUTES}
              value={ttl}
              onChange={(e) => setTtl(e.target.value)}
            />
          </Field>
          <div className="form-actions">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" busy={create.isPending}>
              Create token
            </Button>
          </div>
        </form>
      )}
    </Modal>
  );
}
