import { expect, test } from "@playwright/test";
import { baseUrl, login, mutate, uniqueName, workdir } from "../support/helpers";

test("the runner page offers Move; with no other node online it says so and cannot be confirmed", async ({ page }) => {
  await login(page);
  const project = uniqueName("move");
  await mutate(page, "projects.create", { name: project, path: workdir() });
  const runner = await mutate<{ id: string }>(page, "runners.launch", { project, prompt: "hello" });
  await page.goto(`${baseUrl()}/runners/${runner.id}`);
  await page.getByRole("button", { name: "Move" }).click();
  const dialog = page.getByRole("dialog", { name: "Move to another node" });
  await expect(dialog.getByText("No other node is online.")).toBeVisible();
  // Nothing to confirm (the server's own refusal is tested in runner-move.int.test.ts).
  await expect(dialog.getByRole("button", { name: "Move" })).toBeDisabled();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("running");
  await mutate(page, "runners.kill", { id: runner.id });
});
