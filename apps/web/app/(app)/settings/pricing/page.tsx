"use client";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Badge, Button, ErrorState, LoadingState, PageHeader, formatPrice } from "@stratavore/ui";
import { errorMessage } from "../../../../src/hooks/use-error-message";
import { useMe } from "../../../../src/require-auth";
import { PriceOverrideForm } from "../../../../src/settings/price-override-form";
import { useTRPC } from "../../../../src/trpc";

export default function PricingPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const me = useMe();
  const prices = useQuery(trpc.prices.list.queryOptions());
  const setBook = { onSuccess: (book: unknown) => qc.setQueryData(trpc.prices.list.queryKey(), book as never) };
  const save = useMutation(trpc.prices.setOverride.mutationOptions(setBook));
  const remove = useMutation(
    trpc.prices.removeOverride.mutationOptions({
      ...setBook,
      // Already removed elsewhere (NOT_FOUND): show the table as it is now.
      onError: () => void qc.invalidateQueries({ queryKey: trpc.prices.list.queryKey() }),
    }),
  );
  // What the latest change did beyond its own id; one that moved nothing says nothing.
  const latest = [save, remove].filter((m) => m.submittedAt > 0).sort((a, b) => b.submittedAt - a.submittedAt)[0];
  const notice = latest?.data?.notice;
  const reprice = useMutation(trpc.usage.reprice.mutationOptions());
  const admin = me.role === "admin";
  const failure = save.error ?? remove.error ?? reprice.error;

  return (
    <>
      <nav className="crumbs">
        <Link href="/settings">Settings</Link> / <span>Pricing</span>
      </nav>
      <PageHeader
        title="Pricing"
        description={
          prices.data
            ? `Price version ${prices.data.version}. USD per million tokens. An id without a row of its own is estimated at its family's newest price (opus, sonnet, haiku); an id of no family is unpriced.`
            : undefined
        }
        actions={
          admin ? (
            <Button busy={reprice.isPending} onClick={() => reprice.mutate()}>
              Reprice the ledger
            </Button>
          ) : null
        }
      />
      {failure ? <Alert>{errorMessage(failure).message}</Alert> : null}
      {reprice.data ? (
        <Alert tone="success">
          Repriced {reprice.data.records} usage records: {reprice.data.changed} changed.
        </Alert>
      ) : null}
      {notice ? (
        <Alert tone="warning">
          <span data-testid="price-notice">{notice}</span>
        </Alert>
      ) : null}
      {admin ? <PriceOverrideForm busy={save.isPending} onSubmit={(v) => save.mutate(v)} /> : null}
      {prices.isPending ? (
        <LoadingState />
      ) : prices.isError ? (
        <ErrorState {...errorMessage(prices.error)} onRetry={() => prices.refetch()} />
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
          <table className="table" data-testid="prices-table">
            <thead>
              <tr>
                <th>Model</th>
                <th>Input</th>
                <th>Output</th>
                <th>Write 5 m</th>
                <th>Write 1 h</th>
                <th>Read</th>
                <th className="hide-sm">Long context</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {prices.data.prices.map((p) => (
                <tr key={p.modelPattern}>
                  <td className="mono">
                    {p.modelPattern} {p.overridden ? <Badge tone="amber">override</Badge> : null}
                  </td>
                  <td>{formatPrice(p.input)}</td>
                  <td>{formatPrice(p.output)}</td>
                  <td>{formatPrice(p.cacheWrite5m)}</td>
                  <td>{formatPrice(p.cacheWrite1h)}</td>
                  <td>{formatPrice(p.cacheRead)}</td>
                  <td className="hide-sm muted">
                    {p.longContextThreshold
                      ? `> ${p.longContextThreshold / 1000}k: ×${p.longContextInputMultiplier} in, ×${p.longContextOutputMultiplier} out`
                      : "—"}
                  </td>
                  <td className="right">
                    {admin && p.overridden ? (
                      <Button size="sm" onClick={() => remove.mutate({ modelPattern: p.modelPattern })}>
                        Remove override
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
