import { describe, expect, it } from "vitest";
import type { RunnerActivity } from "@stratavore/runner";
import { activityReporter } from "./activity-reports.ts";

describe("activityReporter", () => {
  it("sends a runner's state when it changes (and a new question while waiting), nothing in between", () => {
    let screens: { runnerId: string; activity: RunnerActivity }[] = [];
    const sent: unknown[] = [];
    const tick = activityReporter(
      () => screens,
      (r) => sent.push(r),
      () => 10_000,
    );
    const a = (state: RunnerActivity["state"], line: string | null, at = 9_000) => [
      { runnerId: "r1", activity: { state, line, at } },
    ];
    screens = a("working", "$ npm test");
    tick();
    screens = a("working", "$ npm run lint"); // same state, another line: the beat says it
    tick();
    screens = a("waiting", "Do you want to proceed?", 9_500);
    tick();
    tick();
    screens = a("waiting", "Do you want to make this edit to app.ts?", 9_800);
    tick();
    screens = a("idle", "Done.");
    tick();
    expect(sent).toEqual([
      { runnerId: "r1", state: "working", line: "$ npm test", quietMs: 1_000 },
      { runnerId: "r1", state: "waiting", line: "Do you want to proceed?", quietMs: 500 },
      { runnerId: "r1", state: "waiting", line: "Do you want to make this edit to app.ts?", quietMs: 200 },
      { runnerId: "r1", state: "idle", line: "Done.", quietMs: 1_000 },
    ]);
  });

  it("forgets a runner that is gone, so one with the same id later is reported afresh", () => {
    let screens: { runnerId: string; activity: RunnerActivity }[] = [
      { runnerId: "r1", activity: { state: "idle", line: null, at: 0 } },
    ];
    const sent: unknown[] = [];
    const tick = activityReporter(
      () => screens,
      (r) => sent.push(r),
      () => 0,
    );
    tick();
    screens = [];
    tick();
    screens = [{ runnerId: "r1", activity: { state: "idle", line: null, at: 0 } }];
    tick();
    expect(sent).toHaveLength(2);
  });
});
