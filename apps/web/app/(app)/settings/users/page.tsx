"use client";
import Link from "next/link";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ROLES, type Role, type User } from "@stratavore/contracts";
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  ErrorState,
  LoadingState,
  PageHeader,
  Select,
  formatRelative,
} from "@stratavore/ui";
import { errorMessage } from "../../../../src/hooks/use-error-message";
import { useMe } from "../../../../src/require-auth";
import { useTRPC } from "../../../../src/trpc";
import { CreateUserDialog, ResetPasswordDialog, useReplaceUser } from "../../../../src/users/user-dialogs";

export default function UsersPage() {
  const trpc = useTRPC();
  const me = useMe();
  const replace = useReplaceUser();
  const users = useQuery(trpc.users.list.queryOptions(undefined, { enabled: me.role === "admin" }));
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [error, setError] = useState<string | null>(null);
  const opts = {
    onSuccess: (u: User) => {
      setError(null);
      replace(u);
    },
    onError: (e: unknown) => setError(errorMessage(e).message),
  };
  const setDisabled = useMutation(trpc.users.setDisabled.mutationOptions(opts));
  const setRole = useMutation(trpc.users.setRole.mutationOptions(opts));

  if (me.role !== "admin") return <ErrorState message="Only admins manage users." code="FORBIDDEN" />;
  return (
    <>
      <nav className="crumbs">
        <Link href="/settings">Settings</Link> / <span>Users</span>
      </nav>
      <PageHeader
        title="Users"
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New user
          </Button>
        }
      />
      {error ? <Alert>{error}</Alert> : null}
      {users.isPending ? (
        <LoadingState />
      ) : users.isError ? (
        <ErrorState {...errorMessage(users.error)} onRetry={() => users.refetch()} />
      ) : users.data.length === 0 ? (
        <EmptyState title="No users" />
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
          <table className="table" data-testid="users-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Role</th>
                <th>Status</th>
                <th className="hide-sm">Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id}>
                  <td className="strong">{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    <Select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      disabled={u.id === me.id}
                      onChange={(e) => setRole.mutate({ id: u.id, role: e.target.value as Role })}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </Select>
                  </td>
                  <td>{u.disabled ? <Badge>disabled</Badge> : <Badge tone="green">enabled</Badge>}</td>
                  <td className="muted hide-sm">{formatRelative(u.createdAt)}</td>
                  <td className="right nowrap">
                    <Button size="sm" onClick={() => setResetting(u)}>
                      Reset password
                    </Button>{" "}
                    {u.id === me.id ? null : (
                      <Button
                        size="sm"
                        variant={u.disabled ? "secondary" : "danger"}
                        onClick={() => setDisabled.mutate({ id: u.id, disabled: !u.disabled })}
                      >
                        {u.disabled ? "Enable" : "Disable"}
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateUserDialog open={creating} onClose={() => setCreating(false)} />
      <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />
    </>
  );
}
