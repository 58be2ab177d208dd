import { describe, expect, it } from "vitest";
import type { Budget } from "@stratavore/contracts";
import { blockingBudgets } from "./launch-budget-warning";

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
  it("names block-launch budgets near or at their limit that cover the project, worst first", () => {
    const list = [
      b({ name: "mine-warn" }),
      b({ name: "global-over", scope: "global", scopeId: null, state: "exceeded", fraction: 1.1 }),
      b({ name: "other-project", scopeId: "p-blog" }),
      b({ name: "only-notifies", action: "notify" }),
      b({ name: "calm", state: "ok", fraction: 0.2 }),
      b({ name: "switched-off", enabled: false }),
    ];
    expect(blockingBudgets(list, "p-webshop").map((x) => x.name)).toEqual(["global-over", "mine-warn"]);
  });
});
