import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { baseUrl } from "./helpers.ts";

/**
 * The page checks of the accessibility walk (walk.spec.ts) and the sign-in page: no sideways
 * scrolling, no serious or critical axe-core violation, and a full-page screenshot kept in
 * test-results/screenshots/<theme>-<width>/ (an artifact of the run).
 */
export const SCREENSHOTS = join(import.meta.dirname, "..", "..", "test-results", "screenshots");
export const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1440, height: 900 },
] as const;
export const THEMES = ["light", "dark"] as const;

export interface Finding {
  page: string;
  problem: string;
}

/** Where one theme-and-width's screenshots go (created). */
export async function screenshotDir(theme: string, width: number): Promise<string> {
  const dir = join(SCREENSHOTS, `${theme}-${width}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

export async function settle(page: Page, path: string): Promise<void> {
  await page.goto(`${baseUrl()}${path}`);
  await expect(page.locator("main h1, h1").first()).toBeVisible();
  // Every card has loaded (a table that arrives late widens the page after the heading).
  await expect(page.locator(".state-loading")).toHaveCount(0, { timeout: 15_000 });
}

export async function check(page: Page, path: string, shot: string): Promise<Finding[]> {
  await settle(page, path);
  const found: Finding[] = [];
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  if (scrollWidth > innerWidth)
    found.push({ page: path, problem: `scrolls sideways (${scrollWidth} > ${innerWidth})` });
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  for (const v of axe.violations.filter((x) => x.impact === "serious" || x.impact === "critical"))
    found.push({
      page: path,
      problem: `${v.impact} ${v.id}: ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(" "))
        .join(" | ")}`,
    });
  await page.screenshot({ path: shot, fullPage: true });
  return found;
}
