import { randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { baseUrl, claudeProjectsDir, login, workdir } from "../support/helpers";

/**
 * History that predates Stratavore, imported from Settings, is a session like any other:
 * found by a search, opened, exported byte for byte, its estimated cost marked, and resumed.
 */
test("import history in Settings, then search, open, export and resume an imported session", async ({ page }) => {
  const phrase = `narwhal${Date.now().toString(36)}`;
  const sessionId = randomUUID();
  const folder = join(claudeProjectsDir(), workdir().replace(/[^a-zA-Z0-9]/g, "-"));
  await mkdir(folder, { recursive: true });
  const base = { isSidechain: false, userType: "external", cwd: workdir(), sessionId, version: "2.1.328" };
  const lines = [
    {
      ...base,
      parentUuid: null,
      type: "user",
      uuid: randomUUID(),
      timestamp: "2026-11-02T09:00:00.000Z",
      message: { role: "user", content: `sketch the ${phrase} rollout` },
    },
    // claude 2.1.328's default model is not in any price list: estimated, and shown as such.
    {
      ...base,
      parentUuid: null,
      type: "assistant",
      uuid: randomUUID(),
      requestId: "req_e2e",
      timestamp: "2026-11-02T09:00:04.000Z",
      message: {
        id: `msg_${phrase}`,
        type: "message",
        role: "assistant",
        model: "claude-opus-5-5",
        content: [{ type: "text", text: "Here is the plan." }],
        usage: { input_tokens: 1000, output_tokens: 2000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    },
  ];
  const file = join(folder, `${sessionId}.jsonl`);
  await writeFile(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  // A copy under another name is not read, and the preview says so (never silently).
  const copy = join(folder, `copy-of-${sessionId}.jsonl`);
  await writeFile(copy, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");

  await login(page);
  await page.goto(`${baseUrl()}/settings`);
  // The card names the folder it reads (the server's CLAUDE_CONFIG_DIR here), not ~/.claude.
  await expect(page.getByTestId("import-source")).toHaveText(claudeProjectsDir());
  // First it says where the sessions go: the folder they ran in, and the project that takes them.
  await page.getByRole("button", { name: "Import history…" }).click();
  const row = page.getByTestId("import-preview").getByRole("row").filter({ hasText: workdir() });
  await expect(row).toBeVisible();
  // Its cwd names a folder: it goes to the project there (a link) or a new one (a badge), not "no project".
  await expect(row.getByRole("cell").nth(1).locator("a, .badge")).toHaveCount(1);
  await expect(page.getByTestId("import-skipped")).toContainText("will not be read");
  await expect(page.locator(".alert", { has: page.getByTestId("import-skipped") })).toContainText(copy);
  await page.getByRole("button", { name: /^Import \d+ sessions?(, update \d+)?$/ }).click();
  await expect(page.getByTestId("import-progress")).toContainText("done.", { timeout: 30_000 });
  await expect(page.getByTestId("import-progress")).toContainText(claudeProjectsDir());
  // How much it read: a later import reads only what claude appended since.
  await expect(page.getByTestId("import-progress")).toContainText(/[\d.]+ (B|KiB|MiB|GiB) read/);
  // Asked again, the preview says where the session now is: in a project, already here.
  await page.getByRole("button", { name: "Import history…" }).click();
  const again = page.getByTestId("import-preview").getByRole("row").filter({ hasText: workdir() });
  await expect(again.getByRole("cell").nth(1).getByRole("link")).toBeVisible();
  await expect(again).toContainText("already here");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("import-preview")).toHaveCount(0);

  await page.goto(`${baseUrl()}/sessions`);
  await page.getByLabel("Search transcripts").fill(phrase);
  const hit = page.getByTestId("search-hit").first();
  await expect(hit).toContainText(phrase, { timeout: 15_000 });
  await hit.click();
  await expect(page).toHaveURL(new RegExp(`/sessions/${sessionId}`));
  await expect(page.getByTestId("transcript")).toContainText(phrase);
  // (1000 × $5 + 2000 × $25) / 1e6 = $0.055 at claude-opus-5's price, marked "~".
  await expect(page.getByText("~$0.06").first()).toBeVisible();

  const download = page.waitForEvent("download");
  await page.getByText("Export ▾").click();
  await page.getByRole("menuitem", { name: "JSONL (original lines)" }).click();
  const saved = await (await download).path();
  expect(await readFile(saved, "utf8")).toBe(await readFile(file, "utf8"));

  await page.getByRole("button", { name: "Resume", exact: true }).click();
  await expect(page).toHaveURL(/\/runners\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("runner-status")).toHaveText("running");
  await expect(page.getByTestId("runner-terminal").locator(".xterm-rows")).toContainText(sessionId);
  const runnerId = page.url().split("/").pop()!;
  const res = await page.request.post(`${baseUrl()}/api/trpc/runners.stop`, { data: { json: { id: runnerId } } });
  expect(res.ok()).toBe(true);
});

/**
 * History of a checkout that no node has: Resume says so before anyone clicks it (the node's
 * agent is asked which folders it has), instead of failing after the click.
 */
test("an imported session whose folder is on no node cannot be resumed, and the button says why", async ({ page }) => {
  const id = Date.now().toString(36);
  const sessionId = randomUUID();
  const cwd = `/srv/never-checked-out-${id}`;
  const dir = join(workdir(), "..", `history-elsewhere-${id}`, "projects");
  const folder = join(dir, cwd.replace(/[^a-zA-Z0-9]/g, "-"));
  await mkdir(folder, { recursive: true });
  const base = { isSidechain: false, userType: "external", cwd, sessionId, version: "2.1.328" };
  const line = {
    ...base,
    parentUuid: null,
    type: "user",
    uuid: randomUUID(),
    timestamp: "2026-11-03T09:00:00.000Z",
    message: { role: "user", content: `plan the okapi${id} migration` },
  };
  await writeFile(join(folder, `${sessionId}.jsonl`), `${JSON.stringify(line)}\n`);

  await login(page);
  const started = await page.request.post(`${baseUrl()}/api/trpc/usage.importLocal`, { data: { json: { dir } } });
  expect(started.ok()).toBe(true);
  await expect(async () => {
    await page.goto(`${baseUrl()}/sessions/${sessionId}`);
    await expect(page.getByTestId("transcript")).toContainText(`okapi${id}`, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  const resume = page.getByRole("button", { name: "Resume", exact: true });
  await expect(resume).toBeDisabled();
  await expect(resume).toHaveAttribute("title", new RegExp(`^The folder ${cwd} is on no online node \\(.+\\)`));
  await expect(page.getByRole("button", { name: "Fork" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Continue latest" })).toBeDisabled();

  // The project's launch dialog (the import named the project after the folder) says the same.
  await page.goto(`${baseUrl()}/projects/never-checked-out-${id}`);
  await page.getByRole("button", { name: "Launch runner" }).click();
  await expect(page.getByRole("dialog")).toContainText(
    new RegExp(`The folder ${cwd} is on no online node \\(.+\\): check it out on one, then launch\\.`),
  );
});
