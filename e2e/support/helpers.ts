import { expect, type Browser, type Page } from "@playwright/test";
import { stack } from "./env.ts";

export const baseUrl = () => stack().url;
export const admin = () => ({ email: stack().adminEmail, password: stack().adminPassword });
export const workdir = () => stack().workdir;
export const claudeProjectsDir = () => stack().claudeProjectsDir;

export async function login(page: Page, email = admin().email, password = admin().password): Promise<void> {
  await page.goto(`${baseUrl()}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
}

/** A second, independent browser session (own cookies), already signed in. */
export async function secondSession(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page);
  return page;
}

export const uniqueName = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** Calls a tRPC mutation with the page's own session cookie, as the dashboard would. */
export async function mutate<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.post(`${baseUrl()}/api/trpc/${path}`, { data: { json: input } });
  expect(res.ok(), await res.text()).toBe(true);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

/** Calls a tRPC query with the page's own session cookie. */
export async function query<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.get(
    `${baseUrl()}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
  );
  expect(res.ok(), await res.text()).toBe(true);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}
