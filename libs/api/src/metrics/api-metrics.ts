import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** Seconds; from a fast read (1 ms) to a slow export (30 s). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The routes of the one HTTP port, as a bounded label (never a raw URL). */
export type HttpRoute =
  "trpc" | "rest" | "openapi" | "auth" | "upload" | "backup" | "hook" | "healthz" | "readyz" | "metrics" | "web";

/** How a runner ended, bounded (the free-text end reason stays on the runner). */
export const RUNNER_END_CAUSES = [
  "stopped",
  "exited",
  "exit_error",
  "signal",
  "oom",
  "lost",
  "crash_loop",
  "launch_error",
] as const;
export type RunnerEndCause = (typeof RUNNER_END_CAUSES)[number];

/**
 * The process's own instruments (requests, errors, realtime traffic, runner ends). State that
 * lives in the database (runners, nodes, ledger, budgets, audit log) is read at scrape time by
 * the collectors in state-collectors.ts. One registry per server, not prom-client's global one,
 * so tests can run several servers in one process.
 */
export class ApiMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: "stratavore_http_request_duration_seconds",
    help: "HTTP requests by route class, method and status class.",
    labelNames: ["route", "method", "status"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly trpcDuration = new Histogram({
    name: "stratavore_trpc_request_duration_seconds",
    help: "tRPC procedure calls by procedure, type and outcome.",
    labelNames: ["procedure", "type", "outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: "stratavore_errors_total",
    help: "Coded errors returned to API callers (tRPC, REST, /metrics), by error code.",
    labelNames: ["code"] as const,
    registers: [this.registry],
  });

  readonly realtimeMessages = new Counter({
    name: "stratavore_realtime_messages_total",
    help: "Socket.IO messages: sent to dashboards and CLIs (out) and received from agents (in), by event.",
    labelNames: ["direction", "event"] as const,
    registers: [this.registry],
  });

  readonly runnerEnds = new Counter({
    name: "stratavore_runner_ends_total",
    help: "Runners that ended, by final status and cause.",
    labelNames: ["status", "cause"] as const,
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: "stratavore_notification_deliveries_total",
    help: "Attempts to deliver announcements to external channels, by channel kind and outcome.",
    labelNames: ["kind", "outcome"] as const,
    registers: [this.registry],
  });

  private socketCounts: (() => Record<string, number>) | null = null;

  readonly collectErrors = new Counter({
    name: "stratavore_metrics_collect_errors_total",
    help: "Reads of database state for /metrics that failed (the families keep their last values), by source.",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });

  readonly socketConnections = new Gauge({
    name: "stratavore_socketio_connections",
    help: "Open Socket.IO connections by namespace (/ for browsers and CLIs, /agent for agents).",
    labelNames: ["namespace"] as const,
    registers: [this.registry],
    collect: () => {
      for (const [namespace, n] of Object.entries(this.socketCounts?.() ?? {}))
        this.socketConnections.set({ namespace }, n);
    },
  });

  constructor(version: string) {
    new Gauge({
      name: "stratavore_build_info",
      help: "The running version (always 1).",
      labelNames: ["version"] as const,
      registers: [this.registry],
    }).set({ version }, 1);
    // Every end series exists from the start at 0: increase() ignores a series' first sample, so
    // one born at 1 (the first crash loop after a restart) would never trip an alert.
    for (const status of ["terminated", "failed"])
      for (const cause of RUNNER_END_CAUSES) this.runnerEnds.inc({ status, cause }, 0);
    // CPU, memory, event-loop lag, GC, handles: prom-client's standard process metrics.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
  }

  /** Socket.IO tells how many connections each namespace holds, read at scrape time. */
  countSocketsWith(counts: () => Record<string, number>): void {
    this.socketCounts = counts;
  }

  /** Times an HTTP request from now until its response is finished. */
  observeHttp(route: HttpRoute, method: string | undefined, res: { statusCode: number; once: FinishListener }): void {
    const end = this.httpDuration.startTimer({ route, method: methodLabel(method) });
    res.once("finish", () => end({ status: `${Math.floor(res.statusCode / 100)}xx` }));
  }
}

type FinishListener = (event: "finish", listener: () => void) => unknown;

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);
const methodLabel = (m: string | undefined) => (m && METHODS.has(m) ? m : "OTHER");
