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
  // Its last lines are shipped after it ends: read the spend once it has stopped moving.
  const usedNow = async () => (await query<{ usedTokens: number }>(page, "budgets.get", { id: calm.id })).usedTokens;
  await expect
    .poll(async () => (await query<{ endedAt: string | null }>(page, "runners.get", { id: runner.id })).endedAt, {
      timeout: 20_000,
    })
    .not.toBeNull();
  let used = await usedNow();
  for (let settled = false; !settled;) {
    // Longer than the agent's shipping interval (2 s).
    await page.waitForTimeout(3000);
    const again = await usedNow();
    settled = again === used;
    used = again;
  }
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
  await expect(page.getByRole("button", { name: "Launch", exact: true })).toBeEnabled();
  await page.getByRole("button", { name: "Cancel" }).click();

  // Spent: the dialog says so and its button refuses, instead of inviting a click the server refuses.
  await mutate(page, "budgets.update", { id: near.id, limitTokens: Math.max(1, Math.floor(used / 2)) });
  await page.getByRole("button", { name: "Launch runner" }).click();
  await expect(page.getByTestId("launch-budget-warning")).toContainText("it blocks launches here");
  await expect(page.getByRole("button", { name: `Blocked by budget ${name}-gate` })).toBeDisabled();
  await mutate(page, "budgets.delete", { id: near.id });
  await mutate(page, "budgets.delete", { id: calm.id });
});

test("the usage report takes a custom range, splits cost by model, and exports its tables as CSV with full figures", async ({
  page,
}) => {
  await login(page);
  const name = uniqueName("csv");
  await mutate(page, "projects.create", { name, path: workdir() });
  const runner = await mutate<{ id: string }>(page, "runners.launch", { project: name });
  type Report = { rows: { group: string; costUsd: number; totalTokens: number }[] };
  await expect
    .poll(async () => (await query<Report>(page, "usage.query", { project: name, by: "model" })).rows.length, {
      timeout: 20_000,
    })
    .toBeGreaterThan(0);
  await mutate(page, "runners.stop", { id: runner.id });
  // Its last responses are shipped after it stops (the agent ships every 2 s): the page must
  // open on the final figures, or its CSV and the query below differ (8,912 against 20,138
  // tokens in one full run). Ended, then two readings 3 s apart agree.
  await expect
    .poll(async () => (await query<{ endedAt: string | null }>(page, "runners.get", { id: runner.id })).endedAt, {
      timeout: 20_000,
    })
    .not.toBeNull();
  const total = async () =>
    (await query<Report>(page, "usage.query", { project: name, by: "model" })).rows[0]?.totalTokens;
  await expect
    .poll(
      async () => {
        const before = await total();
        await new Promise((resolve) => setTimeout(resolve, 3000));
        return before === (await total());
      },
      { timeout: 30_000 },
    )
    .toBe(true);

  const pad = (n: number) => String(n).padStart(2, "0");
  const now = new Date();
  const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  await page.goto(`${baseUrl()}/usage?project=${name}`);
  await page.getByRole("button", { name: "Custom" }).click();
  const form = page.getByRole("form", { name: "Custom date range" });
  await form.getByLabel("From").fill(today);
  await form.getByLabel("To").fill(today);
  await form.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(new RegExp(`from=${today}&to=${today}`));
  await expect(page.getByTestId("usage-report")).toBeVisible();

  // The cost chart stacks by model: its legend names the model the runner used.
  const expected = await query<Report>(page, "usage.query", { project: name, by: "model" });
  const model = expected.rows[0]!.group;
  await expect(page.getByTestId("cost-chart")).toContainText(model);

  // "By model" as CSV: the ledger's full figures, not the rounded ones on screen.
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download usage-by-model.csv as CSV" }).click();
  const file = await (await download).path();
  const { readFile } = await import("node:fs/promises");
  const lines = (await readFile(file, "utf8")).trim().split("\r\n");
  expect(lines[0]).toBe(
    "model,label,input_tokens,output_tokens,cache_write_5m_tokens,cache_write_1h_tokens,cache_read_tokens,total_tokens,cost_usd,estimated_cost_usd,unpriced_tokens,requests,web_search_requests",
  );
  const cells = lines[1]!.split(",");
  expect(cells[0]).toBe(model);
  expect(Number(cells[7])).toBe(expected.rows[0]!.totalTokens);
  expect(Number(cells[8])).toBeCloseTo(expected.rows[0]!.costUsd, 9);
});

test("a dollar budget over a model with no price says its figure is a lower bound, not a plain 'ok'", async ({
  page,
}) => {
  await login(page);
  const name = uniqueName("unpriced");
  await mutate(page, "projects.create", { name, path: workdir() });
  const budget = await mutate<{ id: string }>(page, "budgets.create", {
    name: `${name}-usd`,
    scope: "project",
    scopeRef: name,
    period: "daily",
    limitUsd: 5,
    action: "notify",
  });
  // No family of any price table: its tokens have no dollar figure at all.
  const runner = await mutate<{ id: string }>(page, "runners.launch", { project: name, model: "local-llama-3" });
  try {
    await expect
      .poll(
        async () => (await query<{ unpricedTokens: number }>(page, "budgets.get", { id: budget.id })).unpricedTokens,
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThan(0);
    await page.goto(`${baseUrl()}/budgets`);
    const card = page.locator(`[data-budget-id="${budget.id}"]`);
    await expect(card.getByTestId("budget-partial")).toHaveText("partial");
    await expect(card.getByTestId("budget-usd")).toContainText("unpriced: not evaluable in dollars");
    await expect(card.getByTestId("budget-gauge")).toHaveAttribute("aria-label", /at least 0 % used/);
    await expect(card.getByTestId("budget-gauge")).toHaveText("≥0%");
  } finally {
    await mutate(page, "runners.stop", { id: runner.id });
  }
});
