import { describe, expect, it } from "vitest";
import { runnerFixture } from "../testing/runner-fixture.ts";
import { restartCancelledReason, runnerDoing, runnerTask } from "./runner-doing.ts";

const at = new Date("2026-12-01T10:00:00Z");
const base = runnerFixture({
  projectName: "webshop",
  nodeName: "laptop",
  startedAt: at,
  createdAt: at,
  updatedAt: at,
});

describe("runnerDoing", () => {
  it("a running runner speaks from its screen: waiting needs you, working and idle do not", () => {
    const waiting = { ...base, activity: "waiting" as const, activityLine: "Do you want to proceed?", activityAt: at };
    expect(runnerDoing(waiting)).toEqual({
      label: "Waiting for you",
      attention: "you",
      detail: "Do you want to proceed?",
      since: at,
    });
    expect(runnerDoing({ ...waiting, activity: "working", activityLine: "$ npm test" })).toMatchObject({
      label: "Working",
      attention: null,
      detail: "$ npm test",
    });
    expect(runnerDoing({ ...waiting, activity: "idle" }).label).toBe("Idle at the prompt");
    expect(runnerDoing(base)).toMatchObject({ label: "Running", attention: null, since: at });
  });

  it("the watchdog's findings are a problem and outrank working, but not a question waiting on you", () => {
    const working = { ...base, activity: "working" as const, activityLine: "✻ Thinking…", activityAt: at };
    const since = new Date("2026-12-01T10:05:00Z");
    const stalled = {
      ...working,
      watchdog: "stalled" as const,
      watchdogDetail: "no output for 10 min",
      watchdogSince: since,
    };
    expect(runnerDoing(stalled)).toEqual({
      label: "Stalled",
      attention: "problem",
      detail: "no output for 10 min",
      since,
    });
    const looping = { ...stalled, watchdog: "error_loop" as const, watchdogDetail: "3 API errors in 5 min: 429" };
    expect(runnerDoing(looping)).toMatchObject({ label: "Looping on API errors", attention: "problem" });
    expect(runnerDoing({ ...looping, activity: "waiting" }).label).toBe("Waiting for you");
  });

  it("a paused runner needs you and says by what; a lost or finally failed one is a problem", () => {
    expect(
      runnerDoing({
        ...base,
        status: "paused",
        pausedByBudgetId: base.projectId,
        pauseReason: "paused by budget 'daily' (120 % of $20)",
      }),
    ).toMatchObject({
      label: "Paused by a budget",
      attention: "you",
      detail: "paused by budget 'daily' (120 % of $20)",
    });
    expect(runnerDoing({ ...base, status: "lost", lostAt: at })).toMatchObject({
      label: "Lost contact",
      attention: "problem",
      detail: "node laptop is silent",
    });
    expect(runnerDoing({ ...base, status: "failed", endReason: "exit code 3" })).toMatchObject({
      label: "Failed",
      attention: "problem",
    });
    expect(runnerDoing({ ...base, status: "failed", nextRestartAt: at })).toMatchObject({
      label: "Failed, restarting",
      attention: null,
    });
    expect(runnerDoing({ ...base, status: "terminated", endReason: "stopped" })).toMatchObject({
      label: "Stopped",
      detail: null, // not "Stopped · stopped"
    });
    expect(runnerDoing({ ...base, status: "terminated", endReason: "exit code 0" }).detail).toBe("exit code 0");
  });

  it("a failure whose restart someone cancelled no longer asks for attention; other refusals still do", () => {
    const cancelled = restartCancelledReason("exit code 3", "stopped by ann@example.com");
    expect(cancelled).toBe("exit code 3; restart cancelled: stopped by ann@example.com");
    expect(runnerDoing({ ...base, status: "failed", endReason: cancelled })).toMatchObject({
      label: "Failed, not restarted",
      attention: null,
      detail: cancelled,
    });
    // The server gave up on the restart (no node for an hour): someone should look.
    const gaveUp = "exit code 3; not restarted: no node could take it for 60 min";
    expect(runnerDoing({ ...base, status: "failed", endReason: gaveUp }).attention).toBe("problem");
  });

  it("a restart is starting since its relaunch, not since the runner's first launch", () => {
    const relaunched = new Date("2026-12-01T10:04:00Z");
    expect(runnerDoing({ ...base, status: "starting", launchedAt: relaunched }).since).toEqual(relaunched);
    expect(runnerDoing({ ...base, status: "starting", launchedAt: null }).since).toEqual(at);
  });
});

describe("runnerTask", () => {
  it("is the prompt, else the session's title, else nothing", () => {
    expect(runnerTask({ prompt: " fix the tests ", sessionTitle: "x" })).toBe("fix the tests");
    expect(runnerTask({ prompt: null, sessionTitle: "Refactor billing" })).toBe("Refactor billing");
    expect(runnerTask({ prompt: "", sessionTitle: null })).toBeNull();
  });
});
