import { expect, test } from "@playwright/test";
import { baseUrl, login, mutate, query, secondSession, uniqueName, workdir } from "../support/helpers";

test("dashboard tiles and a budget gauge move live while a runner spends", async ({ page, browser }) => {
  await login(page);
  const name = uniqueName("spend");
  await mutate(page, "projects.create", { name, path: workdir() });
  const budget = await mutate<{ id: string }>(page, "budgets.create", {
    name: `${name}-budget`,
    scope: "project",
    scopeRef: name,
    period: "daily",
    limitTokens: 5_000_000,
    action: "notify",
  });

  await page.goto(`${baseUrl()}/`);
  await expect(page.getByTestId("live-state")).toHaveText("● Live");
  const tokens = page.getByTestId("tile-tokens-today");
  await expect(tokens).toBeVisible();
  const tokensBefore = await tokens.innerText();

  const other = await secondSession(browser);
  await other.goto(`${baseUrl()}/budgets`);
  await expect(other.getByTestId("live-state")).toHaveText("● Live");
  const gauge = other.locator(`[data-budget-id="${budget.id}"] [data-testid="budget-gauge"]`);
  await expect(gauge).toBeVisible();
  const fractionOf = async () => Number(await gauge.getAttribute("data-fraction"));
  const fractionBefore = await fractionOf();

  const runner = await mutate<{ id: string }>(page, "runners.launch", { project: name });
  // Neither page reloads: usage:update and budget:update arrive over Socket.IO.
  await expect.poll(async () => tokens.innerText(), { timeout: 20_000 }).not.toBe(tokensBefore);
  await expect.poll(fractionOf, { timeout: 20_000 }).toBeGreaterThan(fractionBefore);

  await mutate(page, "runners.stop", { id: runner.id });
  await other.context().close();
});

test("a budget near its limit comes first on the budgets page, is named on the dashboard, and the launch dialog warns of it", async ({
  page,
}) => {
  await login(page);
  const name = uniqueName("near");
  await mutate(page, "projects.create", { name, path: workdir() });
  const runner = await mutate<{ id: string }>(page, "runners.launch", { project: name });
  const calm = await mutate<{ id: string }>(page, "budgets.create", {
    name: `${name}-calm`,
    scope: "project",
    scopeRef: name,
    period: "monthly",
    limitTokens: 1_000_000_000_000,
    action: "notify",
  });
  // Let it spend, stop it, then cap launches 10 % above what it spent: past the 80 % warning.
  await expect
    .poll(async () => (await query<{ usedTokens: number }>(page, "budgets.get", { id: calm.id })).usedTokens, {
      timeout: 20_000,
    })
    .toBeGreaterThan(0);
  await mutate(page, "runners.stop", { id: runner.id });
  const used = (await query<{ usedTokens: number }>(page, "budgets.get", { id: calm.id })).usedTokens;
  const near = await mutate<{ id: string; state: string }>(page, "budgets.create", {
    name: `${name}-gate`,
    scope: "project",
    scopeRef: name,
    period: "monthly",
    limitTokens: Math.ceil(used / 0.9),
    action: "block_launch",
  });
  expect(near.state).toBe("warning");

  await page.goto(`${baseUrl()}/budgets`);
  const cards = page.getByTestId("budget-list").locator("[data-budget-id]");
  await expect(page.locator(`[data-budget-id="${calm.id}"]`)).toBeVisible();
  const order = await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-budget-id")));
  expect(order.indexOf(near.id)).toBeLessThan(order.indexOf(calm.id));

  await page.goto(baseUrl());
  await expect(page.getByTestId("budgets-at-risk")).toContainText(`${name}-gate`);

  await page.goto(`${baseUrl()}/projects/${name}`);
  await page.getByRole("button", { name: "Launch runner" }).click();
  await expect(page.getByTestId("launch-budget-warning")).toContainText(`${name}-gate`);
  await expect(page.getByTestId("launch-budget-warning")).toContainText("launches are refused once it reaches 100 %");
  await mutate(page, "budgets.delete", { id: near.id });
  await mutate(page, "budgets.delete", { id: calm.id });
});
