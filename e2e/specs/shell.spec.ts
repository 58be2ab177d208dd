import { expect, test, type Page } from "@playwright/test";
import { baseUrl, login, mutate, uniqueName, workdir } from "../support/helpers";

// Sideways scrolling on every page at both widths and themes is walk.spec.ts's.
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

test("a price set in Settings for a new family-newest id says it moves that family's estimates, and can be removed", async ({
  page,
}) => {
  await login(page);
  await page.goto(`${baseUrl()}/settings/pricing`);
  await page.getByLabel("Model id").fill("claude-sonnet-88");
  await page.getByLabel("Input $/MTok").fill("4");
  await page.getByLabel("Output $/MTok").fill("20");
  await page.getByRole("button", { name: "Save override" }).click();
  try {
    await pricedAndRemoved(page);
  } finally {
    // Left behind, it would be the sonnet family's newest price for every later spec.
    await page.request.post(`${baseUrl()}/api/trpc/prices.removeOverride`, {
      data: { json: { modelPattern: "claude-sonnet-88" } },
    });
  }
});

async function pricedAndRemoved(page: Page) {
  await expect(page.getByTestId("price-notice")).toHaveText(
    /^claude-sonnet-88 is now the newest sonnet price: every sonnet id without a row of its own/,
  );
  const row = page.getByRole("row").filter({ hasText: "claude-sonnet-88" });
  // The cache prices default from the input price: 1.25×, 2× and 0.1× of $4.
  await expect(row).toContainText("override");
  await expect(row.getByRole("cell")).toContainText(["claude-sonnet-88", "$4.00", "$20.00", "$5.00", "$8.00", "$0.40"]);
  await row.getByRole("button", { name: "Remove override" }).click();
  await expect(page.getByRole("row").filter({ hasText: "claude-sonnet-88" })).toHaveCount(0);
  // The notice now says what the removal did: sonnet estimates are back on the shipped row.
  await expect(page.getByTestId("price-notice")).toHaveText(/is now the newest sonnet price/);
  await expect(page.getByTestId("price-notice")).not.toContainText("claude-sonnet-88 is now");
}
