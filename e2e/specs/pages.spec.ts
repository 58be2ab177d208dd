import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { baseUrl, login, mutate, uniqueName } from "../support/helpers";
import { THEMES, VIEWPORTS, check, screenshotDir, settle, type Finding } from "../support/page-check";

/** Themes and the sign-in page; the walk of every signed-in page is walk.spec.ts. */

/** WCAG 2 contrast of two opaque `rgb(r, g, b)` colours. */
function contrastRatio(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r = 0, g = 0, bl = 0] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
      const s = Number(c) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

test("the bell's unread count is legible in both themes", async ({ page }) => {
  // The walk (walk.spec.ts) sees the badge only when something is unread at that moment (visiting
  // /notifications reads them all); a full run once caught white on the dark theme's light red.
  await login(page);
  const { channel } = await mutate<{ channel: { id: string } }>(page, "channels.create", {
    name: uniqueName("legible-bell"),
    config: { kind: "in_app" },
  });
  await mutate(page, "channels.test", { id: channel.id });
  for (const theme of THEMES) {
    await page.evaluate((t) => localStorage.setItem("stratavore-theme", t), theme);
    await settle(page, "/");
    await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
    await expect(page.getByTestId("bell-count")).toBeVisible();
    // axe leaves the badge "incomplete" (it overhangs the bell), so the ratio is computed here,
    // from the colours the browser applies, by WCAG 2's formula.
    const { color, background } = await page
      .getByTestId("bell-count")
      .evaluate((el) => ({ color: getComputedStyle(el).color, background: getComputedStyle(el).backgroundColor }));
    expect(contrastRatio(color, background), `${theme}: ${color} on ${background}`).toBeGreaterThanOrEqual(4.5);
  }
  await page.evaluate(() => localStorage.removeItem("stratavore-theme"));
  await mutate(page, "channels.delete", { id: channel.id });
});

test("the sign-in page passes the same checks, signed out", async ({ browser }) => {
  const findings: Finding[] = [];
  for (const theme of THEMES)
    for (const viewport of VIEWPORTS) {
      const context = await browser.newContext({ viewport, colorScheme: theme });
      const page = await context.newPage();
      const dir = await screenshotDir(theme, viewport.width);
      findings.push(...(await check(page, "/login", join(dir, "login.png"))));
      await context.close();
    }
  expect(findings, JSON.stringify(findings, null, 1)).toEqual([]);
});

test("the theme toggle switches at once, survives a reload, and 'system' follows the operating system", async ({
  page,
}) => {
  await login(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(baseUrl());
  const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const toggle = page.getByLabel("Theme").first();
  // System (nothing stored) with a dark system: dark.
  await expect(toggle).toHaveValue("system");
  const systemDark = await bg();
  await toggle.selectOption("light");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  const light = await bg();
  expect(light).not.toBe(systemDark);
  await page.reload();
  await expect(page.getByLabel("Theme").first()).toHaveValue("light");
  expect(await bg()).toBe(light);
  await page.getByLabel("Theme").first().selectOption("dark");
  expect(await bg()).toBe(systemDark);
  await page.getByLabel("Theme").first().selectOption("system");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  // The system turns light while the page is open: the page follows.
  await page.emulateMedia({ colorScheme: "light" });
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  expect(await bg()).toBe(light);
});
