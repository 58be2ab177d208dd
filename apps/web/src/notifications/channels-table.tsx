"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState, type FormEvent } from "react";
import type { Channel, DeliveryAttempt } from "@stratavore/contracts";
import { Alert, Badge, Button, ConfirmDialog, formatRelative } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useTRPC } from "../trpc";
import { ChannelFilterFields, type ChannelFilter } from "./channel-filter-fields";

function AttemptText({ a }: { a: DeliveryAttempt }) {
  return (
    <span className={a.ok ? "text-ok" : "text-danger"}>
      {a.ok ? "delivered" : "failed"}
      {a.status !== null ? ` (${a.status})` : ""} {formatRelative(a.createdAt)}
    </span>
  );
}

function DeliveryLog({ id }: { id: string }) {
  const trpc = useTRPC();
  const log = useQuery(trpc.channels.attempts.queryOptions({ id, limit: 30 }));
  if (!log.data) return <p className="muted">Loading…</p>;
  if (!log.data.length) return <p className="muted">No deliveries yet.</p>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
      <table className="table table-compact" aria-label="Delivery log">
        <thead>
          <tr>
            <th>When</th>
            <th>Event</th>
            <th>Try</th>
            <th>Result</th>
            <th>Latency</th>
            <th>Response</th>
          </tr>
        </thead>
        <tbody>
          {log.data.map((a) => (
            <tr key={a.id}>
              <td>{formatRelative(a.createdAt)}</td>
              <td>{a.eventSeq ? `#${a.eventSeq}` : "test"}</td>
              <td>{a.attempt}</td>
              <td>
                <AttemptText a={a} />
              </td>
              <td>{a.latencyMs} ms</td>
              <td className="cell-excerpt">{a.excerpt}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A channel's filters, edited in place and saved as one change. */
function EditFilters({ channel, onDone }: { channel: Channel; onDone: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [filter, setFilter] = useState<ChannelFilter>({
    eventFilter: channel.eventFilter,
    projectFilter: channel.projectFilter,
    minSeverity: channel.minSeverity,
  });
  const save = useMutation(
    trpc.channels.update.mutationOptions({
      onSuccess: () => {
        void qc.invalidateQueries({ queryKey: trpc.channels.pathKey() });
        onDone();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ id: channel.id, ...filter });
  };
  return (
    <form className="form" onSubmit={submit} aria-label={`Filters of ${channel.name}`}>
      {save.error ? <Alert>{errorMessage(save.error).message}</Alert> : null}
      <ChannelFilterFields idPrefix={`edit-${channel.id}`} value={filter} onChange={setFilter} />
      <div className="row-actions">
        <Button type="submit" variant="primary" size="sm" busy={save.isPending}>
          Save filters
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** Channels with their last delivery; per row: send test, delivery log, filters, enable/disable, delete. */
export function ChannelsTable({ channels }: { channels: Channel[] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Channel | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [tested, setTested] = useState<Record<string, DeliveryAttempt>>({});
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.channels.pathKey() });
  const test = useMutation(
    trpc.channels.test.mutationOptions({
      onSuccess: (a, vars) => {
        setTested((t) => ({ ...t, [vars.id]: a }));
        refresh();
      },
    }),
  );
  const update = useMutation(trpc.channels.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(
    trpc.channels.delete.mutationOptions({
      onSuccess: () => {
        setDeleting(null);
        refresh();
      },
    }),
  );
  return (
    <>
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
        <table className="table" aria-label="Notification channels">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Delivers to</th>
              <th>Takes</th>
              <th>Last delivery</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {channels.map((c) => {
              const justTested = tested[c.id];
              return (
                <Fragment key={c.id}>
                  <tr>
                    <td>
                      {c.name} {c.enabled ? null : <Badge tone="gray">disabled</Badge>}
                    </td>
                    <td>{c.kind}</td>
                    <td className="cell-excerpt">{c.target}</td>
                    <td className="cell-excerpt">
                      {c.eventFilter.length ? c.eventFilter.join(", ") : "all events"}
                      {c.projectFilter.length ? `; ${c.projectFilter.length} project(s)` : ""}; {c.minSeverity}+
                    </td>
                    <td>
                      {justTested ? (
                        <AttemptText a={justTested} />
                      ) : c.lastAttempt ? (
                        <AttemptText a={c.lastAttempt} />
                      ) : (
                        <span className="muted">none</span>
                      )}
                    </td>
                    <td className="row-actions">
                      <Button
                        size="sm"
                        busy={test.isPending && test.variables?.id === c.id}
                        onClick={() => test.mutate({ id: c.id })}
                      >
                        Send test
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setOpen(open === c.id ? null : c.id)}>
                        {open === c.id ? "Hide log" : "Log"}
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setEditing(editing === c.id ? null : c.id)}>
                        Filters
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => update.mutate({ id: c.id, enabled: !c.enabled })}
                      >
                        {c.enabled ? "Disable" : "Enable"}
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setDeleting(c)}>
                        Delete
                      </Button>
                    </td>
                  </tr>
                  {justTested && !justTested.ok ? (
                    <tr>
                      <td colSpan={6} className="text-danger">
                        Test failed: {justTested.excerpt}
                      </td>
                    </tr>
                  ) : null}
                  {editing === c.id ? (
                    <tr>
                      <td colSpan={6}>
                        <EditFilters channel={c} onDone={() => setEditing(null)} />
                      </td>
                    </tr>
                  ) : null}
                  {open === c.id ? (
                    <tr>
                      <td colSpan={6}>
                        <DeliveryLog id={c.id} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      {test.error ? <p className="form-error">{errorMessage(test.error).message}</p> : null}
      <ConfirmDialog
        open={!!deleting}
        title={`Delete channel ${deleting?.name ?? ""}?`}
        message="Its delivery log goes with it; deliveries still queued for it are dropped."
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        error={remove.error ? errorMessage(remove.error).message : null}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
        onClose={() => setDeleting(null)}
      />
    </>
  );
}
