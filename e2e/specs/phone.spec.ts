import { expect, test, type Locator } from "@playwright/test";
import { baseUrl, login, uniqueName, workdir } from "../support/helpers";

/**
 * A phone walk-through (2026-12-02) found the command palette unreachable without Ctrl K, no
 * way to send Enter, Esc or Ctrl C to claude, row actions off-screen in wide tables and tap
 * targets under 40 px. At 360 × 740 with touch, each is now in reach.
 */
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

async function height(l: Locator): Promise<number> {
  return (await l.boundingBox())?.height ?? 0;
}

test("on a phone: the palette opens by touch, the terminal has its missing keys, row actions stay on screen, taps are 40 px", async ({
  browser,
}) => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  await login(page);

  // The palette, from the top bar.
  await page.getByRole("button", { name: "Search and commands" }).tap();
  await expect(page.getByRole("dialog", { name: /command palette/i })).toBeVisible();
  await page.keyboard.press("Escape");

  // A runner, then its terminal driven from the key bar: typed text, then the Enter button.
  const name = uniqueName("phone");
  await page.goto(`${baseUrl()}/projects?new=1`);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Path").fill(workdir());
  await page.getByRole("button", { name: "Create project" }).tap();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  expect(await height(page.locator(".crumbs").getByRole("link", { name: "Projects" }))).toBeGreaterThanOrEqual(24);
  await page.getByRole("button", { name: "Launch runner" }).tap();
  await page.getByRole("dialog").getByRole("button", { name: "Launch" }).tap();
  await expect(page).toHaveURL(/\/runners\/[0-9a-f-]{36}$/);
  const terminal = page.getByTestId("runner-terminal");
  await expect(terminal.locator(".xterm-rows")).toContainText("Welcome to Fake Claude Code");
  await terminal.tap();
  await page.keyboard.type("sent with the key bar");
  const keys = page.getByRole("toolbar", { name: "Terminal keys" });
  await keys.getByRole("button", { name: "Enter" }).tap();
  await expect(terminal.locator(".xterm-rows")).toContainText("echo: sent with the key bar");
  expect(await height(keys.getByRole("button", { name: "Ctrl C (interrupt)" }))).toBeGreaterThanOrEqual(40);

  // The runners list is wider than the screen; its row actions stay in view.
  await page.goto(`${baseUrl()}/runners`);
  const row = page.getByRole("row").filter({ hasText: name });
  const stop = row.getByRole("button", { name: "Stop" });
  await expect(stop).toBeInViewport({ ratio: 1 });
  expect(await height(stop)).toBeGreaterThanOrEqual(40);
  // Links in its cells are 24 px at least (WCAG 2.2's minimum target).
  expect(await height(row.getByRole("link", { name }))).toBeGreaterThanOrEqual(24);
  expect(await height(page.getByRole("button", { name: /notifications/i }).first())).toBeGreaterThanOrEqual(40);
  await stop.tap();
  await ctx.close();
});
