import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createScratchDatabase, uniqueSlug } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";
import { parsePrometheusText, sumOf, type Sample } from "./testing/prometheus-text.ts";
import { countTranscripts, forEachUsage } from "./testing/transcript-count.ts";

/**
 * /metrics against a live server with a real agent running the fake claude, on a database of
 * its own so every figure is exact. Expected values come from the transcripts on disk (tokens,
 * and cost at Anthropic's published Sonnet 4.5 prices written out here), not from the ledger.
 */
const TOKEN = "metrics-scrape-token-0123456789";
/** $ per million tokens for claude-sonnet-4-5: input, output, 5-minute and 1-hour cache writes, cache reads. */
const SONNET_45 = { input: 3, output: 15, c5m: 3.75, c1h: 6, read: 0.3 };

let h: FleetHarness;
let home: string;

/** Cost of every response (largest usage per message id) in the transcripts, independently. */
function transcriptCost(root: string): number {
  const best = new Map<string, { total: number; usd: number }>();
  forEachUsage(root, (id, u) => {
    const n = (k: string) => u[k] ?? 0;
    const c5m = u.cache_creation?.ephemeral_5m_input_tokens ?? 0;
    const c1h = u.cache_creation?.ephemeral_1h_input_tokens ?? 0;
    const total = n("input_tokens") + n("output_tokens") + c5m + c1h + n("cache_read_input_tokens");
    const usd =
      (n("input_tokens") * SONNET_45.input +
        n("output_tokens") * SONNET_45.output +
        c5m * SONNET_45.c5m +
        c1h * SONNET_45.c1h +
        n("cache_read_input_tokens") * SONNET_45.read) /
      1e6;
    if (total >= (best.get(id)?.total ?? -1)) best.set(id, { total, usd });
  });
  return [...best.values()].reduce((a, b) => a + b.usd, 0);
}

async function scrape(url: string, token: string | null = TOKEN): Promise<Response> {
  return fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
}

async function samples(): Promise<Sample[]> {
  const res = await scrape(`${h.server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return parsePrometheusText(await res.text());
}

beforeAll(async () => {
  const url = await createScratchDatabase(inject("adminUrl"), "metrics");
  h = await FleetHarness.start(
    url,
    {},
    {
      STRATAVORE_METRICS_TOKEN: TOKEN,
      STRATAVORE_METRICS_PORT: "0",
      STRATAVORE_METRICS_LEDGER_SECONDS: "0",
    },
  );
  await h.startAgent("metrics-node", { env: { FAKE_CLAUDE_USAGE_EVERY_MS: "100" } });
  home = join(h.tmp, "home-metrics-node");
}, 90_000);

afterAll(async () => {
  await h?.stop();
});

describe("GET /metrics", () => {
  it("asks for the scrape token, in constant time, with a coded error", async () => {
    const none = await scrape(`${h.server.url}/metrics`, null);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
    expect((await scrape(`${h.server.url}/metrics`, "wrong-token-wrong-token")).status).toBe(401);
    // The internal listener serves only /metrics, and asks for the token too when one is set.
    expect(h.server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect((await scrape(h.server.metricsUrl!, null)).status).toBe(401);
    expect((await scrape(h.server.metricsUrl!)).status).toBe(200);
    expect((await scrape(h.server.metricsUrl!.replace("/metrics", "/api/trpc/system.health"))).status).toBe(404);
  });

  it("reports the fleet, the ledger, budgets, audit events and the process, equal to independent counts", async () => {
    const workdir = join(h.tmp, "work");
    await mkdir(workdir, { recursive: true });
    const project = await h.api.projects.create({ name: uniqueSlug("metrics"), path: workdir });
    const runner = await h.api.runners.launch({ project: project.name, node: "metrics-node", prompt: "count me" });
    const projects = join(home, ".claude", "projects");
    await waitFor("usage written", () => countTranscripts(projects).messages >= 5, 30_000);
    await h.api.runners.stop({ id: runner.id });
    await waitFor("runner ended", async () => (await h.api.runners.get({ id: runner.id })).status === "terminated");
    const expected = countTranscripts(projects);
    // The ledger catches up with the transcript (the agent ships every 200 ms).
    await waitFor(
      "ledger equal to the transcript",
      // This database holds only this test's usage, so today's total is the project's.
      async () => (await h.api.usage.summary()).todayTokens === expected.tokens,
      20_000,
    );
    const limitTokens = expected.tokens * 4;
    await h.api.budgets.create({
      name: "metrics-daily",
      scope: "project",
      scopeRef: project.name,
      period: "daily",
      limitTokens,
    });
    await h.api.runners.launch({ project: "no-such-project", node: "metrics-node" }).catch(() => undefined);
    // Beats land (they carry the spool depth): the node is seen again after this point.
    const since = Date.now();
    await waitFor("a heartbeat", async () =>
      (await h.api.nodes.list()).some((n) => n.name === "metrics-node" && (n.lastSeenAt?.getTime() ?? 0) > since),
    );

    // The 24-hour gauge is read at most once a second (and this test can now get here within a
    // second of the previous test's scrape): scrape until it has caught up, then check it all.
    const s = await waitFor(
      "the 24-hour gauge to catch up",
      async () => {
        const got = await samples();
        return sumOf(got, "stratavore_usage_last_24h", { unit: "tokens" }) === expected.tokens && got;
      },
      5_000,
    );
    const p = { project: project.name };
    expect(sumOf(s, "stratavore_tokens_total", p)).toBe(expected.tokens);
    expect(sumOf(s, "stratavore_api_responses_total", p)).toBe(expected.messages);
    expect(sumOf(s, "stratavore_cost_usd_total", p)).toBeCloseTo(transcriptCost(projects), 6);
    expect(sumOf(s, "stratavore_tokens_total", { ...p, type: "input" })).toBe(4 * expected.messages);
    expect(sumOf(s, "stratavore_unpriced_tokens_total", p)).toBe(0);
    // Labelled by the price-table row it was priced as, so the label set stays bounded.
    expect(sumOf(s, "stratavore_tokens_total", { ...p, model: "claude-sonnet-4-5" })).toBe(expected.tokens);
    expect(sumOf(s, "stratavore_usage_last_24h", { unit: "tokens" })).toBe(expected.tokens);
    expect(sumOf(s, "stratavore_usage_last_24h", { unit: "usd" })).toBeCloseTo(transcriptCost(projects), 6);
    expect(sumOf(s, "stratavore_metrics_collect_errors_total")).toBe(0);
    expect(sumOf(s, "stratavore_runners", { ...p, status: "terminated" })).toBe(1);
    expect(sumOf(s, "stratavore_runners", { ...p, status: "running" })).toBe(0);
    expect(sumOf(s, "stratavore_nodes", { status: "online" })).toBe(1);
    expect(sumOf(s, "stratavore_node_heartbeat_age_seconds", { node: "metrics-node" })).toBeLessThan(10);
    expect(sumOf(s, "stratavore_node_active_runners", { node: "metrics-node" })).toBe(0);
    expect(s.some((x) => x.name === "stratavore_node_spooled_items" && x.labels.node === "metrics-node")).toBe(true);
    expect(sumOf(s, "stratavore_budget_utilization_ratio", { budget: "metrics-daily" })).toBeCloseTo(0.25, 9);
    expect(sumOf(s, "stratavore_audit_events_total", { type: "runner.launched" })).toBe(1);
    expect(sumOf(s, "stratavore_audit_events_total", { type: "budget.created" })).toBe(1);
    expect(sumOf(s, "stratavore_runner_ends_total", { status: "terminated", cause: "stopped" })).toBe(1);
    expect(sumOf(s, "stratavore_errors_total", { code: "NOT_FOUND" })).toBe(1);
    expect(
      sumOf(s, "stratavore_trpc_request_duration_seconds_count", { procedure: "runners.launch", outcome: "ok" }),
    ).toBe(1);
    expect(sumOf(s, "stratavore_socketio_connections", { namespace: "/agent" })).toBe(1);
    expect(
      sumOf(s, "stratavore_realtime_messages_total", { direction: "in", event: "agent:heartbeat" }),
    ).toBeGreaterThan(0);
    expect(sumOf(s, "stratavore_realtime_messages_total", { direction: "out" })).toBeGreaterThan(0);
    expect(sumOf(s, "stratavore_db_pool_connections", { state: "max" })).toBe(10);
    expect(sumOf(s, "process_resident_memory_bytes")).toBeGreaterThan(10_000_000);
    expect(s.some((x) => x.name === "nodejs_eventloop_lag_p99_seconds")).toBe(true);
    expect(sumOf(s, "stratavore_build_info", { version: "0.1.0" })).toBe(1);
    // The earlier scrapes were timed under their route.
    const again = await samples();
    expect(sumOf(again, "stratavore_http_request_duration_seconds_count", { route: "metrics" })).toBeGreaterThan(0);
    // Labels stay bounded: no runner id anywhere in the exposition.
    expect(again.some((x) => Object.values(x.labels).includes(runner.id))).toBe(false);
  }, 90_000);
});
