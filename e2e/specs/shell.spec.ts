import { expect, test } from "@playwright/test";
import { baseUrl, login, mutate, uniqueName, workdir } from "../support/helpers";

// Sideways scrolling on every page at both widths and themes is pages.spec.ts's.
test("the runners list says how many runners match its filters", async ({ page }) => {
  await login(page);
  const name = uniqueName("count");
  await mutate(page, "projects.create", { name, path: workdir() });
  const runner = await mutate<{ id: string }>(page, "runners.launch", { project: name });
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
