import { expect, test, type Page } from "@playwright/test";
import { baseUrl, login, mutate, secondSession, uniqueName, workdir } from "../support/helpers";

const bellCount = async (page: Page): Promise<number> => {
  const badge = page.getByTestId("bell-count");
  return (await badge.count()) ? Number(await badge.innerText()) : 0;
};

test("a budget trips: a toast appears and the bell count rises on a second page without reload; the runner says why", async ({
  page,
  browser,
}) => {
  await login(page);
  await mutate(page, "channels.create", { name: uniqueName("bell"), config: { kind: "in_app" } });
  const name = uniqueName("trip");
  await mutate(page, "projects.create", { name, path: workdir() });
  const budget = await mutate<{ id: string; name: string }>(page, "budgets.create", {
    name: `${name}-daily`,
    scope: "project",
    scopeRef: name,
    period: "daily",
    limitTokens: 1000,
    action: "pause",
  });

  const other = await secondSession(browser);
  await other.goto(`${baseUrl()}/runners`);
  await expect(other.getByTestId("live-state")).toHaveText("● Live");
  // A marker on the window: it survives only if the page never reloads.
  await other.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  const before = await bellCount(other);

  const runner = await mutate<{ id: string }>(page, "runners.launch", { project: name });
  const toast = other.getByTestId("toast").filter({ hasText: `Budget ${budget.name} reached its limit` });
  await expect(toast).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => bellCount(other), { timeout: 10_000 }).toBeGreaterThan(before);
  expect(await other.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);

  // The runners list says who paused it and links to the budget.
  const reason = other.getByTestId("runner-pause-reason").filter({ hasText: budget.name });
  await expect(reason).toContainText(`Paused by budget ${budget.name}`);
  await expect(reason.getByTestId("pause-budget-link")).toHaveAttribute("href", `/budgets#budget-${budget.id}`);

  // The bell's list links the runner's page, which says the same.
  await other.getByTestId("bell").click();
  const panel = other.getByRole("dialog", { name: "Notifications" });
  await panel
    .getByRole("link", { name: new RegExp(`Runner ${name}/.* paused`) })
    .first()
    .click();
  await expect(other).toHaveURL(new RegExp(`/runners/${runner.id}$`));
  await expect(other.getByTestId("runner-why")).toContainText(`Paused by budget ${budget.name}`);

  await mutate(page, "runners.stop", { id: runner.id });
  await other.context().close();
});

test("Settings: channels send a test, the audit log filters and verifies its chain", async ({ page }) => {
  await login(page);
  const channel = uniqueName("ops-bell");
  const created = await mutate<{ channel: { id: string } }>(page, "channels.create", {
    name: channel,
    config: { kind: "in_app" },
  });
  await page.goto(`${baseUrl()}/settings/notifications`);
  const row = page.getByRole("row").filter({ hasText: channel });
  await row.getByRole("button", { name: "Send test" }).click();
  await expect(row).toContainText("delivered");
  // The test notification reaches this tab's bell over the socket.
  await page.getByTestId("bell").click();
  await expect(
    page.getByRole("dialog", { name: "Notifications" }).getByText(`Test message for channel ${channel}`),
  ).toBeVisible();
  await page.keyboard.press("Escape");
  // Its filters are edited in place.
  await row.getByRole("button", { name: "Filters" }).click();
  const filters = page.getByRole("form", { name: `Filters of ${channel}` });
  await filters.getByLabel("budget.exceeded").check();
  await filters.getByLabel("Lowest severity").selectOption("warning");
  await filters.getByRole("button", { name: "Save filters" }).click();
  await expect(filters).toHaveCount(0);
  await expect(row).toContainText("budget.exceeded; warning+");

  // Toasts for chosen event types only: the choice is kept (and put back for the other tests).
  await page.goto(`${baseUrl()}/notifications`);
  const toastTypes = page.getByRole("group", { name: "Toast only these events (none ticked: all)" });
  await toastTypes.getByLabel("node.revoked").check();
  await page.reload();
  await expect(toastTypes.getByLabel("node.revoked")).toBeChecked();
  await expect(toastTypes.getByLabel("budget.exceeded")).not.toBeChecked();
  await toastTypes.getByLabel("node.revoked").uncheck();
  await page.reload();
  await expect(toastTypes.getByLabel("node.revoked")).not.toBeChecked();

  await page.goto(`${baseUrl()}/settings/jobs`);
  await expect(page.getByRole("heading", { name: "Jobs" })).toBeVisible();
  await expect(page.getByTestId("dead-letters")).toHaveText(/^\d+$/);

  await page.goto(`${baseUrl()}/settings/audit`);
  await page.getByLabel("Type").fill("channel.created");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("audit-row").filter({ hasText: channel })).toHaveCount(1);
  await expect(page.getByTestId("audit-row").filter({ hasNotText: "channel.created" })).toHaveCount(0);
  // One entity by id, as the CLI's --entity takes it: its creation and the filter edit.
  await page.getByLabel("Type").fill("");
  await page.getByLabel("Entity").fill(`channel:${created.channel.id}`);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("audit-row")).toHaveCount(2);
  await expect(page.getByTestId("audit-row").filter({ hasText: "channel.updated" })).toHaveCount(1);
  // A window that has not begun yet holds nothing.
  await page.getByLabel("From").fill("2099-01-01T00:00");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByText("No events match")).toBeVisible();
  await page.getByLabel("From").fill("");
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByTestId("verify-result")).toHaveText(/^Intact: [\d,]+ events checked in \d+ ms\.$/);
});
