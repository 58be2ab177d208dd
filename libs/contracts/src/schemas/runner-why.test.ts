import { describe, expect, it } from "vitest";
import type { Runner } from "./runner.ts";
import { runnerWhy } from "./runner-why.ts";

const base: Runner = {
  id: "1a2b3c4d-0000-4000-8000-000000000000",
  projectId: "00000000-0000-4000-8000-000000000001",
  projectName: "web",
  nodeId: null,
  nodeName: "box-1",
  status: "running",
  conversationMode: "new",
  sessionId: null,
  model: null,
  prompt: null,
  flags: [],
  pid: 4242,
  exitCode: null,
  endReason: null,
  restartAttempts: 0,
  maxRestarts: 3,
  nextRestartAt: null,
  lostAt: null,
  pauseReason: null,
  pausedByBudgetId: null,
  restartDeferredSince: null,
  memoryLimitBytes: null,
  cpuLimitPercent: null,
  cpuPercent: null,
  memoryBytes: null,
  lastHeartbeatAt: null,
  activity: null,
  activityLine: null,
  activityAt: null,
  sessionTitle: null,
  startedAt: null,
  endedAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

describe("runnerWhy", () => {
  it("says nothing for a runner that simply runs", () => {
    expect(runnerWhy(base)).toBeNull();
  });

  it("names who or which budget paused it", () => {
    expect(
      runnerWhy({ ...base, status: "paused", pauseReason: "budget 'daily' reached its limit: $20.01 of $20" }),
    ).toBe("Budget 'daily' reached its limit: $20.01 of $20.");
    expect(runnerWhy({ ...base, status: "paused", pauseReason: "paused by ann@example.com" })).toBe(
      "Paused by ann@example.com.",
    );
  });

  it("names the node a lost runner was on and says it can still be stopped", () => {
    const why = runnerWhy({ ...base, status: "lost", lostAt: new Date("2026-11-30T10:00:00Z") });
    expect(why).toContain("Node box-1 has not been heard from since");
    expect(why).toContain("can be stopped");
  });

  it("tells a waiting restart from a scheduled one", () => {
    const next = new Date("2026-11-30T10:05:00Z");
    expect(
      runnerWhy({
        ...base,
        status: "failed",
        endReason: "heartbeat_lost",
        nextRestartAt: next,
        restartDeferredSince: new Date("2026-11-30T10:00:00Z"),
      }),
    ).toMatch(/^heartbeat lost\. Waiting for a node with room since .* \(no restart attempt used\)/);
    expect(
      runnerWhy({ ...base, status: "failed", endReason: "exit code 3", nextRestartAt: next, restartAttempts: 1 }),
    ).toMatch(/^exit code 3\. Restart 2 of 3 at /);
  });
});
