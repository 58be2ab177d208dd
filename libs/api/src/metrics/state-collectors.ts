import { Counter, Gauge } from "prom-client";
import {
  lastDayUsage,
  ledgerTotals,
  nodeGauges,
  poolStats,
  runnerCounts,
  type LedgerTotal,
  type NodeGauge,
} from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { listBudgets } from "../budgets/budgets-service.ts";
import type { ApiMetrics } from "./api-metrics.ts";
import { AuditCounts } from "./audit-counts.ts";
import { cachedFor } from "./cached-for.ts";

export interface StateCollectorOptions {
  /**
   * The ledger totals are one aggregate over every usage row (2.5 s at a million rows,
   * bench/metrics.ts): a scrape answers from totals up to this old while one refresh runs
   * behind it. 0: read on every scrape.
   */
  ledgerMaxAgeMs?: number;
}

const TOKEN_TYPES: Array<[label: string, field: keyof LedgerTotal]> = [
  ["input", "inputTokens"],
  ["output", "outputTokens"],
  ["cache_write_5m", "cacheWrite5mTokens"],
  ["cache_write_1h", "cacheWrite1hTokens"],
  ["cache_read", "cacheReadTokens"],
];

/** Labels must stay bounded: a runner budget's scope names the kind, never the runner. */
const scopeLabel = (b: { scope: string; scopeLabel: string }) => (b.scope === "runner" ? "runner" : b.scopeLabel);

/**
 * Registers the metrics read from the database when Prometheus scrapes: every server instance
 * reports the same figures (aggregate them with max, not sum), and a restart resets nothing.
 * A source that cannot be read (the database is down) leaves its families at their last values
 * and counts stratavore_metrics_collect_errors_total, so the scrape itself — and the process
 * metrics in it — still answers. Token and cost counters fall when usage is repriced or deleted
 * (docs/OPERATIONS.md, Monitoring).
 */
export function registerStateCollectors(metrics: ApiMetrics, deps: ApiDeps, opts: StateCollectorOptions = {}): void {
  const registers = [metrics.registry];
  const failed = (source: string) => (err: unknown) => {
    metrics.collectErrors.inc({ source });
    deps.log("warn", "metrics: a state read failed", { source, error: String(err) });
  };
  // One scrape reads each source once, however many metric families it feeds.
  const runners = cachedFor(1_000, () => runnerCounts(deps.db));
  const nodes = cachedFor(1_000, () => nodeGauges(deps.db));
  const budgets = cachedFor(1_000, () => listBudgets(deps));
  const lastDay = cachedFor(1_000, () => lastDayUsage(deps.db));
  const ledger = cachedFor(opts.ledgerMaxAgeMs ?? 60_000, () => ledgerTotals(deps.db), {
    background: true,
    onBackgroundError: failed("ledger"),
  });
  const auditCounts = new AuditCounts(deps.db);

  /** A family filled from one source; on a failed read it keeps what it had. */
  function fromSource<T, M extends Gauge<string> | Counter<string>>(
    source: string,
    read: () => Promise<T>,
    fill: (metric: M, value: T) => void,
  ) {
    return async function collect(this: M) {
      let value: T;
      try {
        value = await read();
      } catch (err) {
        return failed(source)(err);
      }
      this.reset();
      fill(this, value);
    };
  }

  new Gauge({
    name: "stratavore_runners",
    help: "Runners by status and project.",
    labelNames: ["status", "project"] as const,
    registers,
    collect: fromSource("runners", runners, (m: Gauge<string>, rows) => {
      for (const r of rows) m.set({ status: r.status, project: r.project }, r.count);
    }),
  });

  new Gauge({
    name: "stratavore_nodes",
    help: "Nodes (not revoked) by status.",
    labelNames: ["status"] as const,
    registers,
    collect: fromSource("nodes", nodes, (m: Gauge<string>, rows) => {
      for (const status of ["online", "offline", "draining"]) m.set({ status }, 0);
      for (const n of rows) m.inc({ status: n.status });
    }),
  });
  const nodeGauge = (name: string, help: string, value: (n: NodeGauge) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ["node"] as const,
      registers,
      collect: fromSource("nodes", nodes, (m: Gauge<string>, rows) => {
        for (const n of rows) {
          const v = value(n);
          if (v !== null) m.set({ node: n.node }, v);
        }
      }),
    });
  nodeGauge(
    "stratavore_node_heartbeat_age_seconds",
    "Seconds since each node's agent last beat (the heartbeat lag); absent for a node never seen.",
    (n) => (n.lastSeenAt ? Math.max(0, (Date.now() - n.lastSeenAt.getTime()) / 1000) : null),
  );
  nodeGauge("stratavore_node_active_runners", "Active runners on each node.", (n) => n.activeRunners);
  nodeGauge(
    "stratavore_node_runner_cpu_percent",
    "CPU of each node's active runners, summed (100 = one core), from their last heartbeat.",
    (n) => n.cpuPercent,
  );
  nodeGauge(
    "stratavore_node_runner_memory_bytes",
    "Resident memory of each node's active runners, summed, from their last heartbeat.",
    (n) => n.memoryBytes,
  );
  nodeGauge(
    "stratavore_node_spooled_items",
    "Usage records and transcript lines each agent holds until the server acknowledges them.",
    (n) => n.spooled,
  );
  nodeGauge(
    "stratavore_node_dead_letters",
    "Items each agent set aside because the server refused them for good.",
    (n) => n.deadLetters,
  );

  new Counter({
    name: "stratavore_tokens_total",
    help: "Tokens counted in the ledger, by type, priced model ('unpriced' for none) and project.",
    labelNames: ["type", "model", "project"] as const,
    registers,
    collect: fromSource("ledger", ledger, (m: Counter<string>, rows) => {
      for (const r of rows)
        for (const [type, field] of TOKEN_TYPES)
          m.inc({ type, model: r.model, project: r.project }, r[field] as number);
    }),
  });
  // Counters of one ledger figure per priced model and project.
  const ledgerCounter = (name: string, help: string, value: (r: LedgerTotal) => number) =>
    new Counter({
      name,
      help,
      labelNames: ["model", "project"] as const,
      registers,
      collect: fromSource("ledger", ledger, (m: Counter<string>, rows) => {
        for (const r of rows) m.inc({ model: r.model, project: r.project }, value(r));
      }),
    });
  ledgerCounter(
    "stratavore_unpriced_tokens_total",
    "Tokens of models with no known price (not in the cost), by project.",
    (r) => r.unpricedTokens,
  );
  ledgerCounter(
    "stratavore_cost_usd_total",
    "Cost in US dollars counted in the ledger, by priced model and project.",
    (r) => r.costUsd,
  );
  ledgerCounter(
    "stratavore_api_responses_total",
    "Anthropic API responses counted in the ledger (one per message id), by priced model and project.",
    (r) => r.responses,
  );
  new Gauge({
    name: "stratavore_usage_last_24h",
    help: "Spend of the responses in the last 24 hours, read from the ledger: unit usd or tokens.",
    labelNames: ["unit"] as const,
    registers,
    collect: fromSource("ledger_24h", lastDay, (m: Gauge<string>, v) => {
      m.set({ unit: "usd" }, v.usd);
      m.set({ unit: "tokens" }, v.tokens);
    }),
  });

  new Gauge({
    name: "stratavore_budget_utilization_ratio",
    help: "Each enabled budget's use of its limit in the current period (1 = at the limit).",
    labelNames: ["budget", "budget_id", "scope", "period", "action"] as const,
    registers,
    collect: fromSource("budgets", budgets, (m: Gauge<string>, rows) => {
      for (const b of rows.filter((x) => x.enabled))
        m.set(
          { budget: b.name, budget_id: b.id, scope: scopeLabel(b), period: b.period, action: b.action },
          b.fraction,
        );
    }),
  });

  new Counter({
    name: "stratavore_audit_events_total",
    help: "Audit events appended, by type (runner.launched, runner.failed, budget.exceeded, …).",
    labelNames: ["type"] as const,
    registers,
    collect: fromSource(
      "audit",
      () => auditCounts.read(),
      (m: Counter<string>, counts) => {
        for (const [type, n] of counts) m.inc({ type }, n);
      },
    ),
  });

  new Gauge({
    name: "stratavore_db_pool_connections",
    help: "This process's PostgreSQL pool: connections in use, idle, and the pool's maximum.",
    labelNames: ["state"] as const,
    registers,
    collect() {
      const s = poolStats(deps.db);
      if (!s) return;
      this.set({ state: "in_use" }, s.total - s.idle);
      this.set({ state: "idle" }, s.idle);
      this.set({ state: "max" }, s.max);
    },
  });
  new Gauge({
    name: "stratavore_db_pool_waiting_requests",
    help: "Queries of this process waiting for a free PostgreSQL connection.",
    registers,
    collect() {
      this.set(poolStats(deps.db)?.waiting ?? 0);
    },
  });
}
