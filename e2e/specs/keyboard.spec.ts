import { expect, test } from "@playwright/test";
import { baseUrl, login, mutate, uniqueName, workdir } from "../support/helpers";

test("the command palette jumps to a project, a runner and a page and launches a runner; / searches; ? lists the shortcuts", async ({
  page,
}) => {
  await login(page);
  const name = uniqueName("palette");
  await mutate(page, "projects.create", { name, path: workdir() });
  const runner = await mutate<{ id: string }>(page, "runners.launch", { project: name, prompt: "polish the invoices" });
  await page.goto(baseUrl());
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();

  // A project by name, with the keyboard only.
  await page.keyboard.press("Control+k");
  const palette = page.getByRole("dialog", { name: "Command palette" });
  await expect(palette.getByRole("combobox")).toBeFocused();
  await page.keyboard.type(name);
  await expect(palette.getByRole("option").first()).toContainText(name);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/projects/${name}$`));
  await expect(palette).toHaveCount(0);

  // A runner by what it was asked to do (its session, titled by the same prompt, matches too:
  // the kind narrows it).
  await page.keyboard.press("Control+k");
  await page.keyboard.type("polish invoices runner");
  await expect(palette.getByRole("option")).toHaveCount(1);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/runners/${runner.id}$`));

  // An action: launching a runner in the project opens its launch dialog.
  await page.keyboard.press("Control+k");
  await page.keyboard.type(`launch ${name}`);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog", { name: /Launch/ })).toBeVisible();
  await page.keyboard.press("Escape");

  // Arrow keys move the choice; Escape closes without going anywhere; a page by its name.
  await page.keyboard.press("Control+k");
  await page.keyboard.type("settings");
  await page.keyboard.press("ArrowDown");
  await expect(palette.getByRole("option").nth(1)).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowUp");
  await expect(palette.getByRole("option").nth(0)).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Escape");
  await expect(palette).toHaveCount(0);
  await page.keyboard.press("Control+k");
  await page.keyboard.type("audit log");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/settings\/audit$/);

  // "/" puts the cursor in the page's search; elsewhere it opens the palette.
  await page.goto(`${baseUrl()}/sessions`);
  await expect(page.getByRole("heading", { name: "Sessions" })).toBeVisible();
  await page.keyboard.press("/");
  await expect(page.getByPlaceholder("Search transcripts…")).toBeFocused();
  await page.goto(`${baseUrl()}/usage`);
  await expect(page.getByRole("heading", { name: "Usage" })).toBeVisible();
  await page.keyboard.press("/");
  await expect(palette).toBeVisible();
  await page.keyboard.press("Escape");

  // "?" lists the shortcuts.
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toContainText("Open the command palette");
  await page.keyboard.press("Escape");
  await expect(help).toHaveCount(0);
  await mutate(page, "runners.kill", { id: runner.id });
});
