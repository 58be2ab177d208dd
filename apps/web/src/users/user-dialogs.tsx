"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Role, User } from "@stratavore/contracts";
import { Alert, Button, Field, Modal, Select, TextInput } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useTRPC } from "../trpc";

export function useReplaceUser() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return (u: User) =>
    qc.setQueryData(trpc.users.list.queryKey(), (old: User[] | undefined) => {
      const list = old ?? [];
      return list.some((x) => x.id === u.id) ? list.map((x) => (x.id === u.id ? u : x)) : [...list, u];
    });
}

export function CreateUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const replace = useReplaceUser();
  const [form, setForm] = useState({ email: "", name: "", role: "operator" as Role, password: "" });
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (u) => {
        replace(u);
        onClose();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(form);
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <Modal title="New user" open={open} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        {create.error ? <Alert>{errorMessage(create.error).message}</Alert> : null}
        <Field label="Email" htmlFor="u-email">
          <TextInput id="u-email" type="email" value={form.email} onChange={set("email")} required />
        </Field>
        <Field label="Name" htmlFor="u-name">
          <TextInput id="u-name" value={form.name} onChange={set("name")} required />
        </Field>
        <Field label="Role" htmlFor="u-role">
          <Select id="u-role" value={form.role} onChange={set("role")}>
            <option value="viewer">viewer — reads everything</option>
            <option value="operator">operator — launches and stops runners, edits projects</option>
            <option value="admin">admin — manages users, nodes and budgets</option>
          </Select>
        </Field>
        <Field
          label="Initial password"
          htmlFor="u-password"
          hint="At least 10 characters, not a common password or a simple pattern."
        >
          <TextInput
            id="u-password"
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={set("password")}
            required
          />
        </Field>
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create user
          </Button>
        </div>
      </form>
    </Modal>
  );
}

export function ResetPasswordDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const trpc = useTRPC();
  const [password, setPassword] = useState("");
  const reset = useMutation(
    trpc.users.resetPassword.mutationOptions({
      onSuccess: () => {
        setPassword("");
        onClose();
      },
    }),
  );
  return (
    <Modal title={`Reset password of ${user?.name ?? ""}`} open={user !== null} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (user) reset.mutate({ id: user.id, password });
        }}
        noValidate
      >
        {reset.error ? <Alert>{errorMessage(reset.error).message}</Alert> : null}
        <Field
          label="New password"
          htmlFor="reset-password"
          hint="At least 10 characters, not a common password or a simple pattern. Tell the user through a safe channel. Their sign-ins end and their API tokens are revoked."
        >
          <TextInput
            id="reset-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </Field>
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={reset.isPending}>
            Set password
          </Button>
        </div>
      </form>
    </Modal>
  );
}
