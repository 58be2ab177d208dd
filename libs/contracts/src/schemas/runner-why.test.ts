import { describe, expect, it } from "vitest";
import { runnerFixture } from "../testing/runner-fixture.ts";
import { runnerWhy } from "./runner-why.ts";

const base = runnerFixture();

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
    ).toMatch(
      /^heartbeat lost\. Its restart waits since .*: the last try could not be placed .* no restart attempt used/,
    );
    expect(
      runnerWhy({ ...base, status: "failed", endReason: "exit code 3", nextRestartAt: next, restartAttempts: 1 }),
    ).toMatch(/^exit code 3\. Restart 2 of 3 at /);
    // Its agent came back without it: restarted without using one of its attempts.
    expect(
      runnerWhy({ ...base, status: "failed", endReason: "agent_restarted", nextRestartAt: next, restartAttempts: 2 }),
    ).toMatch(/^agent restarted\. Restarting at .* \(its node's doing, not its own: no restart attempt used\)\.$/);
  });
});
