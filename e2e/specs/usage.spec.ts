import { expect, test } from "@playwright/test";
import { baseUrl, login, mutate, secondSession, uniqueName, workdir } from "../support/helpers";

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
