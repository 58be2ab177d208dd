import { expect, test } from "@playwright/test";
import { baseUrl, login, mutate, uniqueName, workdir } from "../support/helpers";

test("search an old session for a phrase, open it at the hit, press Resume: a new runner resumes that session live", async ({
  page,
}) => {
  await login(page);
  const name = uniqueName("sess");
  const phrase = `walrus${Date.now().toString(36)}`;
  await mutate(page, "projects.create", { name, path: workdir() });
  const first = await mutate<{ id: string; sessionId: string }>(page, "runners.launch", { project: name });

  // Say something in the old session through its terminal, then end it.
  await page.goto(`${baseUrl()}/runners/${first.id}`);
  const terminal = page.getByTestId("runner-terminal");
  await expect(terminal.locator(".xterm-rows")).toContainText("Welcome to Fake Claude Code");
  await terminal.click();
  await page.keyboard.type(`remember the ${phrase} plan`);
  await page.keyboard.press("Enter");
  await expect(terminal.locator(".xterm-rows")).toContainText(`echo: remember the ${phrase} plan`);
  await mutate(page, "runners.stop", { id: first.id });
  await expect(page.getByTestId("runner-status")).toHaveText("terminated", { timeout: 15_000 });

  // The agent ships transcript lines every 2 s: wait until the archive has the phrase.
  await expect
    .poll(
      async () => {
        const res = await page.request.get(
          `${baseUrl()}/api/trpc/sessions.list?input=${encodeURIComponent(JSON.stringify({ json: { search: phrase } }))}`,
        );
        return (
          ((await res.json()) as { result?: { data: { json: { hits: unknown[] } } } }).result?.data.json.hits.length ??
          0
        );
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThan(0);

  await page.goto(`${baseUrl()}/sessions`);
  await expect(page.getByTestId("live-state")).toHaveText("● Live");
  await page.getByLabel("Search transcripts").fill(phrase);
  const hit = page.getByTestId("search-hit").first();
  await expect(hit).toContainText(phrase, { timeout: 15_000 });
  await hit.click();
  await expect(page).toHaveURL(new RegExp(`/sessions/${first.sessionId}\\?entry=`));
  await expect(page.getByTestId("transcript")).toContainText(phrase);

  await page.getByRole("button", { name: "Resume", exact: true }).click();
  await expect(page).toHaveURL(/\/runners\/[0-9a-f-]{36}$/);
  expect(page.url()).not.toContain(first.id);
  await expect(page.getByTestId("runner-status")).toHaveText("running");
  await expect(page.getByText(first.sessionId).first()).toBeVisible();
  await expect(page.getByTestId("runner-terminal").locator(".xterm-rows")).toContainText(first.sessionId);
  const resumedId = page.url().split("/").pop()!;
  await mutate(page, "runners.stop", { id: resumedId });
});

test("the sessions list says how many there are and loads the rest on request, to the last one", async ({ page }) => {
  await login(page);
  const name = uniqueName("many");
  const project = await mutate<{ path: string }>(page, "projects.create", { name, path: `${workdir()}/${name}` });
  const sessions = Array.from({ length: 105 }, (_, i) => ({
    sessionId: crypto.randomUUID(),
    cwd: project.path,
    title: `session number ${i}`,
    firstAt: new Date(Date.UTC(2026, 10, 1, 9, i)).toISOString(),
    lastAt: new Date(Date.UTC(2026, 10, 1, 10, i)).toISOString(),
    messageCount: 2,
    records: [],
  }));
  // An import takes at most 50 sessions a call, as `stratavore import` sends them.
  for (let i = 0; i < sessions.length; i += 50)
    await mutate(page, "usage.import", { sessions: sessions.slice(i, i + 50) });
  await page.goto(`${baseUrl()}/sessions?project=${encodeURIComponent(name)}`);
  const footer = page.getByTestId("list-footer");
  await expect(footer).toContainText("Showing 100 of 105 sessions");
  await footer.getByRole("button", { name: "Load more" }).click();
  await expect(footer).toContainText("Showing 105 of 105 sessions");
  await expect(footer.getByRole("button", { name: "Load more" })).toHaveCount(0);
  // The oldest (last) session is on the page now.
  await expect(page.getByText("session number 0", { exact: true })).toBeVisible();
});

test("a running session's transcript grows while it is open, and bookkeeping records stay hidden until asked", async ({
  page,
}) => {
  await login(page);
  const name = uniqueName("live");
  await mutate(page, "projects.create", { name, path: workdir() });
  // The e2e agent's fake claude answers the prompt, then reports work twice a second.
  const runner = await mutate<{ id: string; sessionId: string }>(page, "runners.launch", {
    project: name,
    prompt: "keep talking",
  });
  const entries = page.getByTestId("transcript").getByTestId("entry");
  await expect
    .poll(
      async () => {
        await page.goto(`${baseUrl()}/sessions/${runner.sessionId}`);
        await expect(page.locator(".state-loading")).toHaveCount(0, { timeout: 10_000 });
        return entries.count();
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);
  const before = await entries.count();
  // No reload from here on: the lines archived meanwhile arrive over the socket.
  await expect.poll(() => entries.count(), { timeout: 20_000 }).toBeGreaterThan(before);
  const toggle = page.getByLabel(/Show bookkeeping records/);
  await expect(toggle).toBeVisible();
  const shown = await entries.count();
  await toggle.check();
  await expect.poll(() => entries.count()).toBeGreaterThan(shown);
  await expect(page.getByTestId("transcript")).toContainText("file-history-snapshot");
  await mutate(page, "runners.stop", { id: runner.id });
});

test("the sessions list follows the fleet while it is open: a new runner's session appears, and its tokens grow, without a reload", async ({
  page,
}) => {
  await login(page);
  const name = uniqueName("follow");
  await mutate(page, "projects.create", { name, path: workdir() });
  await page.goto(`${baseUrl()}/sessions?project=${encodeURIComponent(name)}`);
  await expect(page.getByTestId("live-state")).toHaveText("● Live");
  await expect(page.getByText("No sessions match these filters")).toBeVisible();
  // Every navigation from here on would reset the page: this counter must stay at its first value.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

  // The e2e agent's fake claude answers the prompt with usage, then reports work.
  const runner = await mutate<{ id: string; sessionId: string }>(page, "runners.launch", {
    project: name,
    prompt: "keep talking",
  });
  const row = page.locator(`tr[data-session-id="${runner.sessionId}"]`);
  await expect(row).toBeVisible({ timeout: 20_000 });
  // Its tokens column (hidden on phones, shown here) leaves "0" once the first response is counted.
  await expect(row.locator("td").nth(3)).not.toHaveText("0", { timeout: 20_000 });
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  await mutate(page, "runners.stop", { id: runner.id });
  await expect(row.locator("td").nth(6)).toHaveText("0", { timeout: 20_000 });
});
