import { expect, test, type Page } from "@playwright/test";
import { baseUrl, login, mutate, uniqueName, workdir } from "../support/helpers";

/** Pages wider than the screen, as `path (scrollWidth > innerWidth)`. */
async function overflowing(page: Page, paths: string[]): Promise<string[]> {
  const wide: string[] = [];
  for (const path of paths) {
    await page.goto(`${baseUrl()}${path}`);
    await expect(page.locator("main h1").first()).toBeVisible();
    // Every card has loaded (a table that arrives late widens the page after the heading).
    await expect(page.locator(".state-loading")).toHaveCount(0, { timeout: 15_000 });
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    if (scrollWidth > innerWidth) wide.push(`${path} (${scrollWidth} > ${innerWidth})`);
  }
  return wide;
}

test("no page scrolls sideways on a phone (390×844) or a laptop (1440×900), with a project, a runner and a budget on them", async ({
  page,
}) => {
  await login(page);
  const name = uniqueName("phone");
  const project = await mutate<{ id: string }>(page, "projects.create", { name, path: workdir() });
  const runner = await mutate<{ id: string }>(page, "runners.launch", { project: name });
  await mutate(page, "budgets.create", {
    name: `${name}-daily`,
    scope: "project",
    scopeRef: name,
    period: "daily",
    limitUsd: 20,
    action: "notify",
  });
  const paths = [
    "/",
    "/projects",
    `/projects/${encodeURIComponent(name)}`,
    "/runners",
    `/runners/${runner.id}`,
    "/sessions",
    "/usage",
    "/budgets",
    "/nodes",
    "/settings",
    "/settings/pricing",
    "/notifications",
  ];
  expect(project.id).toBeTruthy();
  for (const viewport of [
    { width: 390, height: 844 },
    { width: 1440, height: 900 },
  ]) {
    await page.setViewportSize(viewport);
    expect(await overflowing(page, paths), `at ${viewport.width} px`).toEqual([]);
  }
  // The runners list says how many match its filters (it shows at most a page of them).
  await page.goto(`${baseUrl()}/runners?project=${encodeURIComponent(name)}`);
  await expect(page.getByTestId("list-footer")).toHaveText("Showing 1 of 1 runners");
  await mutate(page, "runners.kill", { id: runner.id });
});

test("an unknown address says so and offers the way back; the favicon is served", async ({ page }) => {
  await login(page);
  const res = await page.goto(`${baseUrl()}/no/such/page`);
  expect(res?.status()).toBe(404);
  await expect(page.getByText("Page not found")).toBeVisible();
  await page.getByRole("navigation", { name: "Where to go instead" }).getByRole("link", { name: "Runners" }).click();
  await expect(page).toHaveURL(`${baseUrl()}/runners`);

  const icon = await page.request.get(`${baseUrl()}/favicon.ico`);
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toMatch(/image\//);
});

test("the price table states prices as money, never float noise", async ({ page }) => {
  await login(page);
  await page.goto(`${baseUrl()}/settings/pricing`);
  const cells = page.locator("table tbody td").filter({ hasText: /^\$/ });
  await expect(cells.first()).toBeVisible();
  for (const text of await cells.allInnerTexts()) expect(text).toMatch(/^\$\d{1,3}(,\d{3})*\.\d{2,4}$/);
});
