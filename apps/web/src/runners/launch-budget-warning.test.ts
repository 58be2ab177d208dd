import { describe, expect, it } from "vitest";
import type { Budget } from "@stratavore/contracts";
import { blockingBudgets, exceededBudget } from "./launch-budget-warning";

const b = (over: Partial<Budget>) =>
  ({
    name: "x",
    enabled: true,
    action: "block_launch",
    state: "warning",
    scope: "project",
    scopeId: "p-webshop",
    fraction: 0.9,
    ...over,
  }) as Budget;

describe("blockingBudgets", () => {
  it("names launch-refusing budgets near or at their limit that cover the project, worst first", () => {
    const list = [
      b({ name: "mine-warn" }),
      // A pausing or terminating budget refuses launches too once exceeded (the server's launch check).
      b({ name: "pauses-over", action: "pause", state: "exceeded", fraction: 1.05 }),
      b({ name: "terminates-warn", action: "terminate", fraction: 0.85 }),
      b({ name: "global-over", scope: "global", scopeId: null, state: "exceeded", fraction: 1.1 }),
      b({ name: "other-project", scopeId: "p-blog" }),
      b({ name: "only-notifies", action: "notify" }),
      b({ name: "calm", state: "ok", fraction: 0.2 }),
      b({ name: "switched-off", enabled: false }),
    ];
    expect(blockingBudgets(list, "p-webshop").map((x) => x.name)).toEqual([
      "global-over",
      "pauses-over",
      "mine-warn",
      "terminates-warn",
    ]);
  });

  it("blocks the launch button only for an exceeded one", () => {
    expect(exceededBudget([b({ name: "near" })])).toBeNull();
    expect(exceededBudget([b({ name: "near" }), b({ name: "over", state: "exceeded", fraction: 1.2 })])?.name).toBe(
      "over",
    );
  });
});
