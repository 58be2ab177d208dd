/**
 * bench/usage-page: the Usage page in real Chromium against the real server (dashboard built,
 * the server in its own process) over 1 M ledger rows, 100 k sessions and 1,000 runners
 * (bench/support/seed-ledger.ts). For the 30- and 90-day ranges, each visit is a fresh page
 * load, signed in: time until the report shows its totals and charts (first data), and until
 * every card (by model, by project, top sessions, top runners) has its data. Baseline in the
 * same run: the same page for a project with no usage (the page and its requests, no data).
 * Last, the same report reached in-app: the Usage link clicked on a loaded dashboard.
 * Target (issue 17): under 500 ms.
 *   node --import tsx bench/usage-page.ts [--rows 1000000] [--visits 10]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "@playwright/test";
import { startTestPostgres } from "@stratavore/db/testing";
import { buildWebIfChanged } from "../scripts/build-web.ts";
import { seedLedgerWorld } from "./support/seed-ledger.ts";
import { startServerChild } from "./support/server-child.ts";
import { pct } from "./support/percentile.ts";

const { values } = parseArgs({
  options: { rows: { type: "string", default: "1000000" }, visits: { type: "string", default: "10" } },
});
const rows = Number(values.rows);
const visits = Number(values.visits);

buildWebIfChanged();
const pg = await startTestPostgres(join(import.meta.dirname, "../prisma"), "bench_usage_page");
const server = await startServerChild(pg.url, { web: true, fleet: { heartbeatTtlMs: 600_000 } });
const seconds = await seedLedgerWorld(server.db, rows);
await server.api.projects.create.mutate({ name: "empty", path: "/tmp" });
console.log(`seeded ${rows.toLocaleString()} ledger rows, 100,000 sessions, 1,000 runners in ${seconds.toFixed(1)} s`);

const browser = await chromium.launch({ executablePath: "/usr/lib/chromium/chromium" });
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const signIn = await context.newPage();
await signIn.goto(`${server.url}/login`);
await signIn.getByLabel("Email").fill(server.admin.email);
await signIn.getByLabel("Password").fill(server.admin.password);
await signIn.getByRole("button", { name: "Sign in" }).click();
await signIn.getByRole("heading", { name: "Dashboard" }).waitFor();
await signIn.close();

/**
 * One visit of `path`: ms to the first data, and to every card's data (or its empty state).
 * A fresh load types the address; in-app, the dashboard is loaded first (untimed) and the
 * Usage link in the navigation clicked, as a user moving around the dashboard does.
 */
async function visit(path: string, withData: boolean, inApp: boolean): Promise<{ first: number; all: number }> {
  const page: Page = await context.newPage();
  if (inApp) {
    await page.goto(`${server.url}/`);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  }
  const t0 = Date.now();
  if (inApp)
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage", exact: true }).click();
  else await page.goto(`${server.url}${path}`, { waitUntil: "commit" });
  await (withData ? page.getByTestId("usage-report") : page.getByText("No usage recorded yet")).waitFor({
    timeout: 60_000,
  });
  const first = Date.now() - t0;
  // Every card has answered: no loading state left on the page.
  await page.waitForFunction(() => document.querySelectorAll(".state-loading").length === 0, undefined, {
    timeout: 60_000,
  });
  const all = Date.now() - t0;
  await page.close();
  return { first, all };
}

const cases: [string, string, boolean, boolean][] = [
  ["baseline: a project with no usage", "/usage?project=empty", false, false],
  ["all projects, 30 days", "/usage", true, false],
  ["all projects, 90 days", "/usage?days=90", true, false],
  ["one project, 90 days", "/usage?project=p7&days=90", true, false],
  ["in-app: Dashboard → Usage (30 days)", "/usage", true, true],
];
console.log(
  `${"usage page (fresh load)".padEnd(36)} ${"first data p50 / p95".padStart(22)} ${"all cards p50 / p95".padStart(22)}`,
);
let baseline = 0;
for (const [name, path, withData, inApp] of cases) {
  await visit(path, withData, inApp); // warm: compiled routes, caches of the server
  const first: number[] = [];
  const all: number[] = [];
  for (let i = 0; i < visits; i++) {
    const t = await visit(path, withData, inApp);
    first.push(t.first);
    all.push(t.all);
  }
  if (!withData) baseline = pct(all, 50);
  const ratio = withData && baseline ? `  (${(pct(all, 50) / baseline).toFixed(1)}× the empty page)` : "";
  console.log(
    `${name.padEnd(36)} ${`${pct(first, 50)} / ${pct(first, 95)} ms`.padStart(22)} ${`${pct(all, 50)} / ${pct(all, 95)} ms`.padStart(22)}${ratio}${withData ? `  < 500 ms ${pct(all, 95) < 500 ? "met" : "NOT met"}` : ""}`,
  );
}
await browser.close();
await server.stop();
await pg.stop();
process.exit(0);
