import { expect, test } from "@playwright/test";
import { baseUrl, login, mutate, uniqueName, workdir } from "../support/helpers";

test("the runners list and the dashboard say which runner waits for you, and follow it live when it is answered", async ({
  page,
}) => {
  await login(page);
  const project = uniqueName("doing");
  await mutate(page, "projects.create", { name: project, path: workdir() });
  // The fake claude shows a permission dialog worded like the real one for an "ask:" prompt.
  const runner = await mutate<{ id: string }>(page, "runners.launch", {
    project,
    prompt: "ask: run the tests",
    model: "claude-sonnet-4-5",
  });

  await page.goto(`${baseUrl()}/runners`);
  const row = page.locator(`tr[data-runner-id="${runner.id}"]`);
  await expect(row.getByTestId("runner-doing")).toContainText("Waiting for you", { timeout: 15_000 });
  await expect(row.getByTestId("runner-doing-line")).toHaveText("Do you want to proceed?");
  await expect(row.getByTestId("runner-task")).toHaveText("ask: run the tests");
  await expect(row.getByTestId("runner-model")).toHaveText("claude-sonnet-4-5");
  await expect(page.getByTestId("needs-you")).toContainText(runner.id.slice(0, 8));

  const dashboard = await page.context().newPage();
  await dashboard.goto(baseUrl());
  const item = dashboard.getByTestId("active-runners").locator(`[data-runner-id="${runner.id}"]`);
  await expect(item).toContainText("Waiting for you");
  // Waiting runners come first.
  await expect(dashboard.getByTestId("active-runners").locator("[data-runner-id]").first()).toContainText(
    "Waiting for you",
  );

  // Answered in its terminal; the list and the dashboard change without a reload.
  const terminalPage = await page.context().newPage();
  await terminalPage.goto(`${baseUrl()}/runners/${runner.id}`);
  await expect(terminalPage.getByTestId("runner-doing")).toContainText("Waiting for you");
  const terminal = terminalPage.getByTestId("runner-terminal");
  await expect(terminal.locator(".xterm-rows")).toContainText("Do you want to proceed?");
  await terminal.click();
  await terminalPage.keyboard.press("Enter");
  await expect(row.getByTestId("runner-doing")).toContainText("Idle at the prompt", { timeout: 15_000 });
  await expect(row.getByTestId("runner-doing-line")).toHaveText("echo: ask: run the tests");
  await expect(item).toContainText("Idle at the prompt");
  // Only this runner: another spec's runner may be waiting too.
  await expect(page.getByTestId("needs-you").filter({ hasText: runner.id.slice(0, 8) })).toHaveCount(0);
  await expect(terminalPage.getByTestId("runner-session-link")).toHaveAttribute("href", /^\/sessions\//);

  await mutate(page, "runners.stop", { id: runner.id });
});
