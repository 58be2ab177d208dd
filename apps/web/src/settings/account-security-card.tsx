"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, Button, Card, Field, TextInput, formatRelative } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useTRPC } from "../trpc";

/** Change your password; see where you are signed in; end every sign-in at once. */
export function AccountSecurityCard() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent("");
        setNext("");
        setAgain("");
        void qc.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() });
      },
    }),
  );
  // Ends this browser's sign-in too: asking who we are then leads to the login page.
  const everywhere = useMutation(
    trpc.auth.signOutEverywhere.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.auth.whoami.queryKey() }),
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(next !== again);
    if (next === again) change.mutate({ currentPassword: current, newPassword: next });
  };
  const others = (sessions.data ?? []).filter((s) => !s.current);
  return (
    <Card title="Password and sign-ins">
      <form className="form" onSubmit={submit} noValidate aria-label="Change password">
        {mismatch ? <Alert>The new passwords differ.</Alert> : null}
        {change.error ? <Alert>{errorMessage(change.error).message}</Alert> : null}
        {change.data ? (
          <Alert tone="success">
            Password changed; {change.data.endedSessions} other sign-in{change.data.endedSessions === 1 ? "" : "s"}{" "}
            ended.
          </Alert>
        ) : null}
        <Field label="Current password" htmlFor="pw-current">
          <TextInput
            id="pw-current"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </Field>
        <Field
          label="New password"
          htmlFor="pw-new"
          hint="At least 10 characters, not a common password or a simple pattern."
        >
          <TextInput
            id="pw-new"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </Field>
        <Field label="New password again" htmlFor="pw-again">
          <TextInput
            id="pw-again"
            type="password"
            autoComplete="new-password"
            value={again}
            onChange={(e) => setAgain(e.target.value)}
          />
        </Field>
        <Button type="submit" variant="primary" busy={change.isPending}>
          Change password
        </Button>
      </form>
      <p className="muted">
        Signed in here
        {others.length
          ? ` and in ${others.length} other browser${others.length === 1 ? "" : "s"} (last seen ${others
              .map((s) => formatRelative(s.lastSeenAt))
              .join(", ")})`
          : " only"}
        .
      </p>
      {everywhere.error ? <Alert>{errorMessage(everywhere.error).message}</Alert> : null}
      <Button variant="secondary" busy={everywhere.isPending} onClick={() => everywhere.mutate()}>
        Sign out everywhere
      </Button>
    </Card>
  );
}
