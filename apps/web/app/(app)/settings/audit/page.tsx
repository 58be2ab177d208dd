"use client";
import Link from "next/link";
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { AuditListInput, ChainVerifyResult } from "@stratavore/contracts";
import {
  Alert,
  Button,
  Card,
  EmptyState,
  ErrorState,
  Field,
  LoadingState,
  PageHeader,
  TextInput,
  formatRelative,
} from "@stratavore/ui";
import { errorMessage } from "../../../../src/hooks/use-error-message";
import { useRealtimeSocket } from "../../../../src/realtime/realtime-provider";
import { useMe } from "../../../../src/require-auth";
import { useTRPC } from "../../../../src/trpc";

type Filters = Pick<AuditListInput, "type" | "actor" | "project" | "entityType" | "entityId" | "since" | "until">;

function FilterForm({ onApply }: { onApply: (f: Filters) => void }) {
  const [f, setF] = useState<Record<string, string>>({});
  const set = (k: string) => (e: { target: { value: string } }) => setF((x) => ({ ...x, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // "runner" or "runner:<id>", as the CLI's --entity takes it.
    const [entityType, entityId] = (f.entity ?? "").trim().split(":", 2);
    onApply({
      type: f.type || undefined,
      actor: f.actor || undefined,
      project: f.project || undefined,
      entityType: entityType || undefined,
      entityId: entityId || undefined,
      since: f.since ? new Date(f.since) : undefined,
      until: f.until ? new Date(f.until) : undefined,
    });
  };
  return (
    <form className="audit-filters" onSubmit={submit} aria-label="Filter the audit log">
      <Field label="Type" htmlFor="f-type" hint="runner.started, or runner. for all">
        <TextInput id="f-type" value={f.type ?? ""} onChange={set("type")} />
      </Field>
      <Field label="Actor" htmlFor="f-actor" hint="email, node, or system">
        <TextInput id="f-actor" value={f.actor ?? ""} onChange={set("actor")} />
      </Field>
      <Field label="Project" htmlFor="f-project">
        <TextInput id="f-project" value={f.project ?? ""} onChange={set("project")} />
      </Field>
      <Field label="Entity" htmlFor="f-entity" hint="runner, or runner:<id>; budget, node…">
        <TextInput id="f-entity" value={f.entity ?? ""} onChange={set("entity")} />
      </Field>
      <Field label="From" htmlFor="f-since">
        <TextInput id="f-since" type="datetime-local" value={f.since ?? ""} onChange={set("since")} />
      </Field>
      <Field label="Until" htmlFor="f-until">
        <TextInput id="f-until" type="datetime-local" value={f.until ?? ""} onChange={set("until")} />
      </Field>
      <Button type="submit" variant="primary">
        Apply
      </Button>
    </form>
  );
}

/** The chain check: progress arrives over the tab's socket while the call runs. */
function VerifyCard() {
  const trpc = useTRPC();
  const socket = useRealtimeSocket();
  const [progress, setProgress] = useState<{ checked: number; lastSeq: number } | null>(null);
  const [result, setResult] = useState<ChainVerifyResult | null>(null);
  const verify = useMutation(
    trpc.audit.verify.mutationOptions({
      onMutate: () => {
        setResult(null);
        setProgress({ checked: 0, lastSeq: 0 });
      },
      onSuccess: setResult,
    }),
  );
  const latest = useQuery(trpc.audit.list.queryOptions({ limit: 1 }));
  const total = latest.data?.items[0]?.seq ?? 0;
  useEffect(() => {
    if (!socket) return;
    const on = (p: { checked: number; lastSeq: number }) => setProgress(p);
    socket.on("audit:verify", on);
    return () => void socket.off("audit:verify", on);
  }, [socket]);
  const pct = total && progress ? Math.min(100, Math.round((progress.lastSeq / total) * 100)) : 0;
  return (
    <Card title="Verify the signature chain">
      <p className="muted">
        Every event is signed with a key derived from the server secret and chained to the one before it. The check
        reads the whole log page by page.
      </p>
      <Button onClick={() => verify.mutate()} busy={verify.isPending}>
        Verify chain
      </Button>
      {verify.isPending && progress ? (
        <div aria-label="Verification progress">
          <div className="progress">
            <span style={{ width: `${pct}%` }} />
          </div>
          <span className="muted">
            {progress.checked.toLocaleString()} of ~{total.toLocaleString()} events checked
          </span>
        </div>
      ) : null}
      {result ? (
        result.ok ? (
          <Alert tone="success">
            <span data-testid="verify-result">
              Intact: {result.checked.toLocaleString()} events checked in {result.ms} ms.
            </span>
          </Alert>
        ) : (
          <Alert>
            <span data-testid="verify-result">
              Broken at event #{result.firstBrokenSeq}: it, or the one before it, was altered, removed or inserted (
              {result.checked.toLocaleString()} events before it check out).
            </span>
          </Alert>
        )
      ) : null}
      {verify.error ? <Alert>{errorMessage(verify.error).message}</Alert> : null}
    </Card>
  );
}

export default function AuditLogPage() {
  const trpc = useTRPC();
  const me = useMe();
  const [filters, setFilters] = useState<Filters>({});
  const log = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { ...filters, limit: 100 },
      { getNextPageParam: (p) => p.nextBeforeSeq ?? undefined },
    ),
  );
  const sentinel = useRef<HTMLDivElement>(null);
  // Infinite scroll: the next page loads as the end of the list comes into view.
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && log.hasNextPage && !log.isFetchingNextPage) void log.fetchNextPage();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [log]);
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <nav className="crumbs">
        <Link href="/settings">Settings</Link> / <span>Audit log</span>
      </nav>
      <PageHeader title="Audit log" description="Every change, who made it and when; newest first." />
      {me.role === "admin" ? <VerifyCard /> : null}
      <Card title="Events">
        <FilterForm onApply={setFilters} />
        {log.isPending ? (
          <LoadingState />
        ) : log.error ? (
          <ErrorState message={errorMessage(log.error).message} onRetry={() => void log.refetch()} />
        ) : items.length ? (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
            <table className="table table-compact" aria-label="Audit events">
              <thead>
                <tr>
                  <th>#</th>
                  <th>When</th>
                  <th>Type</th>
                  <th>Actor</th>
                  <th>Entity</th>
                  <th>Project</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => (
                  <tr key={e.seq} data-testid="audit-row">
                    <td>{e.seq}</td>
                    <td title={e.createdAt.toISOString()}>{formatRelative(e.createdAt)}</td>
                    <td>{e.type}</td>
                    <td>{e.actorName ?? e.actorType}</td>
                    <td>
                      {e.entityType}
                      {e.entityId ? ` ${e.entityId.slice(0, 8)}` : ""}
                    </td>
                    <td>{e.projectName ?? "-"}</td>
                    <td className="audit-data">{JSON.stringify(e.data)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState title="No events match" />
        )}
        <div ref={sentinel} />
        {log.hasNextPage ? (
          <Button onClick={() => void log.fetchNextPage()} busy={log.isFetchingNextPage}>
            Load older events
          </Button>
        ) : items.length ? (
          <p className="muted">The beginning of the log.</p>
        ) : null}
      </Card>
    </>
  );
}
