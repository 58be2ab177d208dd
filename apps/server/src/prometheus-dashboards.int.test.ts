import { mkdir, readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createScratchDatabase, uniqueSlug } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";
import { promtool, stageShippedConfig, startPrometheus, type RunningPrometheus } from "./testing/prometheus-process.ts";

/**
 * The shipped Grafana dashboards and Prometheus rules, proven against a real Prometheus (Debian's)
 * scraping a live server with a real agent under a small load: every query of every panel
 * returns data, every alert rule evaluates without error, and promtool accepts the config and
 * rules and passes the rules' unit tests.
 */
const GRAFANA_DIR = resolve(import.meta.dirname, "../../../docker/grafana");
const TOKEN = "prometheus-scrape-token-0123456789";

interface Panel {
  title: string;
  datasource: { uid: string };
  targets: Array<{ expr: string; refId: string }>;
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; allValue?: string }> };
}

let h: FleetHarness;
let prometheus: RunningPrometheus;
let dir: string;
let load: NodeJS.Timeout | undefined;

async function dashboards(): Promise<Dashboard[]> {
  const files = (await readdir(join(GRAFANA_DIR, "dashboards"))).filter((f) => f.endsWith(".json"));
  return Promise.all(
    files.map(async (f) => JSON.parse(await readFile(join(GRAFANA_DIR, "dashboards", f), "utf8")) as Dashboard),
  );
}

/** What Grafana sends for a query: variables at "All" (their allValue) and a concrete rate window. */
function asGrafanaSends(expr: string, d: Dashboard): string {
  let out = expr.replaceAll("$__rate_interval", "1m");
  for (const v of d.templating.list) out = out.replaceAll(`$${v.name}`, v.allValue ?? ".*");
  return out;
}

beforeAll(async () => {
  const url = await createScratchDatabase(inject("adminUrl"), "prometheus");
  h = await FleetHarness.start(url, {}, { STRATAVORE_METRICS_TOKEN: TOKEN, STRATAVORE_METRICS_LEDGER_SECONDS: "0" });
  await h.startAgent("prom-node", { env: { FAKE_CLAUDE_USAGE_EVERY_MS: "200" } });
  const workdir = join(h.tmp, "work");
  await mkdir(workdir, { recursive: true });
  const project = await h.api.projects.create({ name: uniqueSlug("prom"), path: workdir });
  // Load: one runner spending, one stopped, a budget, a refused call, and API traffic over HTTP.
  await h.api.runners.launch({ project: project.name, node: "prom-node", prompt: "keep working" });
  const stopped = await h.api.runners.launch({ project: project.name, node: "prom-node" });
  await h.api.runners.stop({ id: stopped.id });
  await h.api.budgets.create({ name: "prom-daily", scope: "global", period: "daily", limitTokens: 1_000_000 });
  await h.api.runners.launch({ project: "no-such-project" }).catch(() => undefined);
  const { secret } = await h.api.apiTokens.create({ name: "load", scopes: ["read"] });
  const call = (path: string) =>
    fetch(`${h.server.url}/api/trpc/${path}`, { headers: { authorization: `Bearer ${secret}` } }).then(
      (r) => r.arrayBuffer(),
      () => undefined,
    );
  await call("projects.list");
  load = setInterval(() => void Promise.all([call("projects.list"), call("runners.list"), call("usage.summary")]), 250);
  dir = stageShippedConfig(join(h.tmp, "prometheus"), TOKEN);
  prometheus = await startPrometheus(dir, new URL(h.server.url).host);
  // Enough scrapes for rate() and histogram_quantile() over a one-minute window.
  await waitFor(
    "8 successful scrapes",
    async () => {
      const r = await prometheus.query('sum_over_time(up{job="stratavore"}[1m])');
      return Number((r.data?.result[0] as { value: [number, string] } | undefined)?.value[1] ?? 0) >= 8;
    },
    60_000,
    500,
  );
}, 180_000);

afterAll(async () => {
  clearInterval(load);
  await prometheus?.stop();
  await h?.stop();
});

describe("Prometheus and Grafana, as shipped", () => {
  it("promtool accepts the config and the rules, and the rules' unit tests pass", () => {
    for (const args of [
      ["check", "config", "prometheus.yml"],
      ["check", "rules", "alerts.yml"],
      ["test", "rules", "alerts.test.yml"],
    ]) {
      const r = promtool(args, dir);
      expect(r.output, r.output).toContain("SUCCESS");
      expect(r.ok, r.output).toBe(true);
    }
  });

  it("provisions a Prometheus data source with the uid every panel names", async () => {
    const ds = parseYaml(await readFile(join(GRAFANA_DIR, "provisioning/datasources/prometheus.yaml"), "utf8")) as {
      datasources: Array<{ uid: string; type: string }>;
    };
    const uids = new Set(ds.datasources.filter((d) => d.type === "prometheus").map((d) => d.uid));
    const all = await dashboards();
    expect(all.map((d) => d.uid).sort()).toEqual([
      "stratavore-api-latency",
      "stratavore-events-errors",
      "stratavore-overview",
      "stratavore-runners",
      "stratavore-tokens-cost",
    ]);
    for (const d of all)
      for (const p of d.panels) expect(uids.has(p.datasource.uid), `${d.title}: ${p.title}`).toBe(true);
  });

  it("every query of every dashboard panel returns data from the live server", async () => {
    const report: string[] = [];
    const empty: string[] = [];
    for (const d of await dashboards()) {
      for (const p of d.panels) {
        for (const t of p.targets) {
          const r = await prometheus.query(asGrafanaSends(t.expr, d));
          const where = `${d.title} / ${p.title} / ${t.refId}`;
          expect(r.status, `${where}: ${r.error ?? ""}`).toBe("success");
          const n = r.data?.result.length ?? 0;
          report.push(`${where}: ${n} series`);
          if (n === 0) empty.push(`${where}: ${t.expr}`);
        }
      }
    }
    console.log(`dashboard queries:\n  ${report.join("\n  ")}`);
    expect(empty).toEqual([]);
    expect(report.length).toBeGreaterThanOrEqual(40);
  });

  it("loads every alert rule and evaluates it without error", async () => {
    await waitFor(
      "rules evaluated",
      async () => {
        const res = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
          data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
        };
        const rules = res.data.groups.flatMap((g) => g.rules);
        return rules.length === 5 && rules.every((r) => r.health === "ok") ? rules : null;
      },
      15_000,
      500,
    );
  });
});
