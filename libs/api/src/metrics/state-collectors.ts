import { Counter, Gauge } from "prom-client";
import { ledgerTotals, nodeGauges, poolStats, runnerCounts, type LedgerTotal } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { listBudgets } from "../budgets/budgets-service.ts";
import type { ApiMetrics } from "./api-metrics.ts";
import { AuditCounts } from "./audit-counts.ts";
import { cachedFor } from "./cached-for.ts";

export interface StateCollectorOptions {
  /**
   * The ledger totals are one aggregate over every usage row: at a million rows that is a
   * noticeable query, so a scrape reuses totals up to this old (a counter a few seconds late is
   * still exact, only delayed).
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

/**
 * Registers the metrics read from the database when Prometheus scrapes: every server instance
 * reports the same figures (aggregate them with max, not sum), and a restart resets nothing.
 * The token and cost counters only fall when usage is deleted or repriced, which PromQL's
 * rate() reads as a counter reset.
 */
export function registerStateCollectors(metrics: ApiMetrics, deps: ApiDeps, opts: StateCollectorOptions = {}): void {
  const registers = [metrics.registry];
  // One scrape reads each source once, however many metric families it feeds.
  const runners = cachedFor(1_000, () => runnerCounts(deps.db));
  const nodes = cachedFor(1_000, () => nodeGauges(deps.db));
  const budgets = cachedFor(1_000, () => listBudgets(deps));
  const ledger = cachedFor(opts.ledgerMaxAgeMs ?? 60_000, () => ledgerTotals(deps.db), { background: true });
  const auditCounts = new AuditCounts(deps.db);

  new Gauge({
    name: "stratavore_runners",
    help: "Runners by status and project.",
    labelNames: ["status", "project"] as const,
    registers,
    async collect() {
      const rows = await runners();
      this.reset();
      for (const r of rows) this.set({ status: r.status, project: r.project }, r.count);
    },
  });

  const nodeGauge = (
    name: string,
    help: string,
    value: (n: Awaited<ReturnType<typeof nodeGauges>>[number]) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ["node"] as const,
      registers,
      async collect() {
        const rows = await nodes();
        this.reset();
        for (const n of rows) this.set({ node: n.node }, value(n));
      },
    });
  new Gauge({
    name: "stratavore_nodes",
    help: "Nodes (not revoked) by status.",
    labelNames: ["status"] as const,
    registers,
    async collect() {
      const rows = await nodes();
      this.reset();
      for (const status of ["online", "offline", "draining"]) this.set({ status }, 0);
      for (const n of rows) this.inc({ status: n.status });
    },
  });
  nodeGauge(
    "stratavore_node_heartbeat_age_seconds",
    "Seconds since each node's agent last beat (the heartbeat lag; large means offline).",
    (n) => (n.lastSeenAt ? Math.max(0, (Date.now() - n.lastSeenAt.getTime()) / 1000) : Number.POSITIVE_INFINITY),
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
    help: "Tokens counted in the ledger, by type, model and project.",
    labelNames: ["type", "model", "project"] as const,
    registers,
    async collect() {
      const rows = await ledger();
      this.reset();
      for (const r of rows)
        for (const [type, field] of TOKEN_TYPES)
          this.inc({ type, model: r.model, project: r.project }, r[field] as number);
    },
  });
  // Counters of one ledger figure per model and project.
  const ledgerCounter = (name: string, help: string, value: (r: LedgerTotal) => number) =>
    new Counter({
      name,
      help,
      labelNames: ["model", "project"] as const,
      registers,
      async collect() {
        const rows = await ledger();
        this.reset();
        for (const r of rows) this.inc({ model: r.model, project: r.project }, value(r));
      },
    });
  ledgerCounter(
    "stratavore_unpriced_tokens_total",
    "Tokens of models with no known price (not in the cost), by model and project.",
    (r) => r.unpricedTokens,
  );
  ledgerCounter(
    "stratavore_cost_usd_total",
    "Cost in US dollars counted in the ledger, by model and project.",
    (r) => r.costUsd,
  );
  ledgerCounter(
    "stratavore_api_responses_total",
    "Anthropic API responses counted in the ledger (one per message id), by model and project.",
    (r) => r.responses,
  );

  new Gauge({
    name: "stratavore_budget_utilization_ratio",
    help: "Each enabled budget's use of its limit in the current period (1 = at the limit).",
    labelNames: ["budget", "scope", "period", "action"] as const,
    registers,
    async collect() {
      const rows = await budgets();
      this.reset();
      for (const b of rows.filter((x) => x.enabled))
        this.set({ budget: b.name, scope: b.scopeLabel, period: b.period, action: b.action }, b.fraction);
    },
  });

  new Counter({
    name: "stratavore_audit_events_total",
    help: "Audit events appended, by type (runner.launched, runner.failed, budget.exceeded, …).",
    labelNames: ["type"] as const,
    registers,
    async collect() {
      const counts = await auditCounts.read();
      this.reset();
      for (const [type, n] of counts) this.inc({ type }, n);
    },
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
