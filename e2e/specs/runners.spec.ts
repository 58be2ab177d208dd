import { expect, test } from "@playwright/test";
import { baseUrl, login, secondSession, uniqueName, workdir } from "../support/helpers";

test("launch a runner from the UI, watch it go live, type into its terminal, pause (saying who) and unpause, stop it; a second page follows live", async ({
  page,
  browser,
}) => {
  await login(page);
  const name = uniqueName("run");
  await page.goto(`${baseUrl()}/projects?new=1`);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Path").fill(workdir());
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();

  const other = await secondSession(browser);
  await other.goto(`${baseUrl()}/runners`);
  await expect(other.getByTestId("live-state")).toHaveText("● Live");

  await page.getByRole("button", { name: "Launch runner" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Launch" }).click();
  await expect(page).toHaveURL(/\/runners\/[0-9a-f-]{36}$/);
  const runnerId = page.url().split("/").pop()!;
  await expect(page.getByTestId("runner-status")).toHaveText("running");

  const terminal = page.getByTestId("runner-terminal");
  await expect(terminal.locator(".xterm-rows")).toContainText("Welcome to Fake Claude Code");
  await terminal.click();
  await page.keyboard.type("hello from the browser");
  await page.keyboard.press("Enter");
  await expect(terminal.locator(".xterm-rows")).toContainText("echo: hello from the browser");

  // /clear moves claude to a new session: the page follows it live and lists the one it left.
  const firstSession = (await page.getByTestId("runner-session-link").textContent())!;
  await page.keyboard.type("/clear");
  await page.keyboard.press("Enter");
  await expect(terminal.locator(".xterm-rows")).toContainText("(no content)");
  await expect(page.getByTestId("runner-past-sessions")).toHaveText(firstSession.slice(0, 8));
  await expect(page.getByTestId("runner-session-link")).not.toHaveText(firstSession);
  await terminal.click();

  // The other page never reloads: the runner arrived and its status follows over Socket.IO.
  const row = other.getByTestId("runners-table").getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("running");

  // Pause says who paused it, on the page and live on the other one; unpause clears it.
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await expect(page.getByTestId("runner-status")).toHaveText("paused");
  await expect(page.getByTestId("runner-why")).toHaveText(/^Paused by .+@.+\.$/);
  await expect(row).toContainText("paused");
  await page.getByRole("button", { name: "Unpause", exact: true }).click();
  await expect(page.getByTestId("runner-status")).toHaveText("running");
  await expect(page.getByTestId("runner-why")).toHaveCount(0);

  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: /stop/i }).click();
  await expect(page.getByTestId("runner-status")).toHaveText("terminated", { timeout: 15_000 });
  await expect(row).toContainText("terminated");
  expect(runnerId).toMatch(/^[0-9a-f-]{36}$/);
  await other.context().close();
});
