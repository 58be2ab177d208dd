import { describe, expect, it } from "vitest";
import { createDb } from "@stratavore/db";
import { freePortForTests } from "@stratavore/db/testing";
import { FilesystemStore } from "../sessions/archive/transcript-store.ts";
import { Fleet } from "../fleet/fleet.ts";
import { AccessWatch } from "../auth/access-watch.ts";
import { MemoryBus } from "../realtime/bus.ts";
import type { ApiDeps } from "../deps.ts";
import { ApiMetrics } from "./api-metrics.ts";
import { registerStateCollectors } from "./state-collectors.ts";

describe("state collectors when the database cannot be reached", () => {
  it("still answer the scrape, with the process metrics and a count of the failed reads", async () => {
    // A real client pointed at a port nothing listens on: every query fails at once.
    const db = createDb({
      connectionString: `postgresql://x:y@127.0.0.1:${await freePortForTests()}/none`,
      poolMax: 2,
    });
    const metrics = new ApiMetrics("t");
    const warnings: string[] = [];
    const deps = {
      db,
      bus: new MemoryBus(),
      access: new AccessWatch(),
      config: {
        authSecret: "s",
        auditKey: "k",
        channelKey: "c",
        publicUrl: "http://localhost",
        sessionMaxAgeSeconds: 60,
        version: "t",
        secureCookies: false,
        claudeProjectsDir: "/x",
      },
      fleet: new Fleet(),
      metrics,
      transcripts: new FilesystemStore("/nonexistent"),
      log: (_level: string, msg: string) => void warnings.push(msg),
    } as ApiDeps;
    registerStateCollectors(metrics, deps, { ledgerMaxAgeMs: 0 });
    await metrics.registry.metrics();
    // Families are collected side by side: the failures of one scrape show in the next.
    const text = await metrics.registry.metrics();
    expect(text).toContain("process_resident_memory_bytes");
    expect(text).toMatch(/stratavore_metrics_collect_errors_total\{source="ledger"\} [1-9]/);
    expect(text).toMatch(/stratavore_metrics_collect_errors_total\{source="runners"\} [1-9]/);
    expect(warnings).toContain("metrics: a state read failed");
    // Runner ends exist at 0 from the start, so the first crash loop is an increase.
    expect(text).toContain('stratavore_runner_ends_total{status="failed",cause="crash_loop"} 0');
    await db.$disconnect();
  });
});
