import { QueryClient } from "@tanstack/react-query";
import { expect, it } from "vitest";
import type { Budget } from "@stratavore/contracts";
import { applyBudgetDelete, applyBudgetUpsert, isAtRisk } from "./budget-cache";

const LIST = [["budgets", "list"], { type: "query" }];

function budget(id: string, over: Partial<Budget> = {}): Budget {
  return {
    id,
    name: id,
    scope: "global",
    scopeId: null,
    scopeLabel: "all projects",
    period: "daily",
    limitTokens: 1000,
    limitUsd: null,
    warnPercent: 80,
    action: "notify",
    enabled: true,
    periodStart: new Date(0),
    periodEnd: new Date(86_400_000),
    usedTokens: 0,
    usedUsd: 0,
    estimatedUsd: 0,
    unpricedTokens: 0,
    fraction: 0,
    state: "ok",
    createdAt: new Date(Number(id.replace(/\D/g, "")) * 1000),
    ...over,
  };
}

it("moves a cached budget in place and appends an unknown one in server order", () => {
  const qc = new QueryClient();
  qc.setQueryData(LIST, [budget("b1"), budget("b3")]);
  applyBudgetUpsert(qc, budget("b1", { usedTokens: 900, fraction: 0.9, state: "warning" }));
  applyBudgetUpsert(qc, budget("b2"));
  const list = qc.getQueryData<Budget[]>(LIST)!;
  expect(list.map((b) => b.id)).toEqual(["b1", "b2", "b3"]);
  expect(list[0]).toMatchObject({ fraction: 0.9, state: "warning" });
  applyBudgetDelete(qc, "b2");
  expect(qc.getQueryData<Budget[]>(LIST)!.map((b) => b.id)).toEqual(["b1", "b3"]);
});

it("counts only enabled budgets past their warning as at risk", () => {
  expect(isAtRisk(budget("b1", { state: "warning" }))).toBe(true);
  expect(isAtRisk(budget("b1", { state: "exceeded", enabled: false }))).toBe(false);
  expect(isAtRisk(budget("b1"))).toBe(false);
});
