import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { login, mutate, query, uniqueName, workdir } from "../support/helpers";
import { THEMES, VIEWPORTS, check, screenshotDir, type Finding } from "../support/page-check";

/**
 * Every page at a phone's width and a laptop's, in the light and the dark theme (page-check.ts
 * says what is checked), one test per theme and width. The pages to walk are made once per
 * worker (again after a failure restarts it).
 */

/**
 * A session imported from history, as its own page shows one: an estimated model beside a
 * priced one, a sub-agent, and claude's own figure for the cost check. Imported from a folder
 * of its own (the server reads it; both run on this machine).
 */
async function importedSession(page: Page): Promise<{ sessionId: string; tmp: string }> {
  const sessionId = randomUUID();
  const tmp = await mkdtemp(join(tmpdir(), "pages-import-"));
  const dir = join(tmp, "projects");
  const folder = join(dir, workdir().replace(/[^a-zA-Z0-9]/g, "-"));
  await mkdir(join(folder, sessionId, "subagents"), { recursive: true });
  const base = { parentUuid: null, isSidechain: false, userType: "external", cwd: workdir(), sessionId };
  const answer = (id: string, model: string, sidechain = false) => ({
    ...base,
    isSidechain: sidechain,
    type: "assistant",
    uuid: randomUUID(),
    requestId: `req_${id}`,
    timestamp: "2026-11-03T10:00:05.000Z",
    message: {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [
        { type: "text", text: "A long answer that wraps on a phone, with a-very-long-unbroken-identifier-to-wrap." },
      ],
      usage: {
        input_tokens: 1200,
        output_tokens: 3400,
        cache_creation_input_tokens: 5000,
        cache_read_input_tokens: 90000,
      },
    },
  });
  const prompt = {
    ...base,
    type: "user",
    uuid: randomUUID(),
    timestamp: "2026-11-03T10:00:00.000Z",
    message: { role: "user", content: "plan the pages check" },
  };
  const costState = {
    type: "cost-state",
    sessionId,
    totalCostUSD: 0.25,
    hasUnknownModelCost: true,
    modelUsage: {
      "claude-opus-5-5": {
        inputTokens: 1200,
        outputTokens: 3400,
        cacheReadInputTokens: 90000,
        cacheCreationInputTokens: 5000,
        costUSD: 0.2,
      },
      "claude-sonnet-4-5": {
        inputTokens: 1200,
        outputTokens: 3400,
        cacheReadInputTokens: 90000,
        cacheCreationInputTokens: 5000,
        costUSD: 0.05,
      },
    },
  };
  const jsonl = (lines: object[]) => lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
  await writeFile(
    join(folder, `${sessionId}.jsonl`),
    jsonl([prompt, answer(`msg_${sessionId}_1`, "claude-opus-5-5"), costState]),
  );
  await writeFile(
    join(folder, sessionId, "subagents", "agent-p1.jsonl"),
    jsonl([answer(`msg_${sessionId}_2`, "claude-sonnet-4-5", true)]),
  );
  await mutate(page, "usage.importLocal", { dir });
  await expect
    .poll(
      async () =>
        (await query<{ resumable: boolean } | null>(page, "sessions.get", { id: sessionId }).catch(() => null))
          ?.resumable,
      {
        timeout: 30_000,
      },
    )
    .toBe(true);
  return { sessionId, tmp };
}

interface Walked {
  name: string;
  budgetId: string;
  runner: { id: string; sessionId: string };
  imported: { sessionId: string; tmp: string };
}
let walked: Walked | undefined;
let setupPage: Page | undefined;

test.beforeAll(async ({ browser }) => {
  // A launch and an import on a loaded machine: more than the default 60 s may pass.
  test.setTimeout(120_000);
  setupPage = await browser.newPage();
  await login(setupPage);
  const name = uniqueName("pages");
  await mutate(setupPage, "projects.create", { name, path: workdir() });
  const runner = await mutate<{ id: string; sessionId: string }>(setupPage, "runners.launch", {
    project: name,
    prompt: "ask: may I run the tests",
  });
  const budget = await mutate<{ id: string }>(setupPage, "budgets.create", {
    name: `${name}-daily`,
    scope: "project",
    scopeRef: name,
    period: "daily",
    limitUsd: 20,
    action: "notify",
  });
  walked = { name, budgetId: budget.id, runner, imported: await importedSession(setupPage) };
});

test.afterAll(async () => {
  try {
    if (walked && setupPage) {
      await mutate(setupPage, "runners.kill", { id: walked.runner.id });
      await mutate(setupPage, "budgets.delete", { id: walked.budgetId });
    }
  } finally {
    if (walked) await rm(walked.imported.tmp, { recursive: true, force: true });
    await setupPage?.close();
  }
});

const pathsOf = ({ name, runner, imported }: Walked): [string, string][] => [
  ["dashboard", "/"],
  ["projects", "/projects"],
  ["project", `/projects/${encodeURIComponent(name)}`],
  ["runners", "/runners"],
  ["runner", `/runners/${runner.id}`],
  ["sessions", "/sessions"],
  ["session", `/sessions/${encodeURIComponent(runner.sessionId)}`],
  ["session-imported", `/sessions/${imported.sessionId}`],
  ["usage", "/usage"],
  ["budgets", "/budgets"],
  ["nodes", "/nodes"],
  ["notifications", "/notifications"],
  ["settings", "/settings"],
  ["settings-users", "/settings/users"],
  ["settings-tokens", "/settings/tokens"],
  ["settings-api", "/settings/api"],
  ["settings-pricing", "/settings/pricing"],
  ["settings-notifications", "/settings/notifications"],
  ["settings-jobs", "/settings/jobs"],
  ["settings-audit", "/settings/audit"],
];

for (const theme of THEMES)
  for (const viewport of VIEWPORTS)
    test(`every page fits ${viewport.width} px in the ${theme} theme, with no serious or critical accessibility violation; screenshots kept`, async ({
      page,
    }) => {
      test.setTimeout(180_000);
      await login(page);
      // The stored choice, as the toggle keeps it; the boot script applies it before paint.
      await page.evaluate((t) => localStorage.setItem("stratavore-theme", t), theme);
      await page.setViewportSize(viewport);
      const dir = await screenshotDir(theme, viewport.width);
      const findings: Finding[] = [];
      for (const [label, path] of pathsOf(walked!))
        findings.push(...(await check(page, path, join(dir, `${label}.png`))));
      await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
      expect(findings, JSON.stringify(findings, null, 1)).toEqual([]);
    });
