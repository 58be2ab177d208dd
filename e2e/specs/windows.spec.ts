import { expect, test } from "@playwright/test";
import { baseUrl, login, mutate, query, uniqueName, workdir } from "../support/helpers";

test("the dashboard shows a subscription account's 5-hour window filling as a runner spends, what is left and when it resets", async ({
  page,
}) => {
  await login(page);
  const account = uniqueName("team");
  await mutate(page, "windows.set", { name: account, plan: "custom", windowTokenLimit: 1_000_000 });
  await page.goto(baseUrl());
  const row = page.getByTestId("subscription-windows").locator(`[data-account="${account}"]`);
  await expect(row).toBeVisible();
  const project = uniqueName("window");
  await mutate(page, "projects.create", { name: project, path: workdir() });
  const runner = await mutate<{ id: string }>(page, "runners.launch", { project, prompt: "spend a little" });
  // The card refreshes on its own (every 30 s); the API says when the spend is in.
  await expect
    .poll(
      async () =>
        (await query<{ name: string; windowTokens: number }[]>(page, "windows.list", undefined)).find(
          (w) => w.name === account,
        )?.windowTokens ?? 0,
      { timeout: 20_000 },
    )
    .toBeGreaterThan(0);
  await page.reload();
  // The window counts every runner's spend of the last 5 hours, other specs' too (a full run
  // had 11.0k tokens in it: "98 % left"), so the share left is a little under 100 %.
  await expect(row.getByTestId("window-figures")).toContainText(
    /^[\d.]+k? of 1\.0M tokens · 9\d % left · resets at \d\d:\d\d( [AP]M)? \(in [0-9h min]+\)$/,
  );
  await expect(row.getByRole("img")).toHaveAttribute(
    "aria-label",
    new RegExp(`${account}: \\d+% of its 5-hour window used`),
  );
  await mutate(page, "runners.kill", { id: runner.id });
  await mutate(page, "windows.delete", { name: account });
});
