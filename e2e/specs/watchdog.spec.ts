import { expect, test } from "@playwright/test";
import { baseUrl, login, mutate, query, uniqueName, workdir } from "../support/helpers";

test("the project's watchdog settings are edited in its form, and a runner whose turn never moves shows as stalled on the runners list", async ({
  page,
}) => {
  await login(page);
  const name = uniqueName("stall");
  await mutate(page, "projects.create", { name, path: workdir() });
  await page.goto(`${baseUrl()}/projects/${name}`);
  await page.getByRole("button", { name: "Edit" }).click();
  const form = page.getByRole("dialog", { name: `Edit ${name}` });
  await form.getByLabel("Stalled after (min)").fill("0.1");
  await expect(form.getByLabel("When a runner stalls")).toHaveValue("notify");
  await form.getByLabel("When it loops on API errors").selectOption("pause");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form).toHaveCount(0);
  const project = await query<{ watchdogStallSeconds: number; watchdogOnErrorLoop: string }>(page, "projects.get", {
    ref: name,
  });
  expect(project).toMatchObject({ watchdogStallSeconds: 6, watchdogOnErrorLoop: "pause" });

  // The fake claude starts a turn that never moves for a prompt beginning "stall:".
  const runner = await mutate<{ id: string }>(page, "runners.launch", {
    project: name,
    prompt: "stall: think forever",
  });
  await page.goto(`${baseUrl()}/runners?project=${name}`);
  const row = page.locator(`tr[data-runner-id="${runner.id}"]`);
  await expect(row.getByTestId("runner-doing")).toContainText("Stalled", { timeout: 30_000 });
  await expect(row).toContainText(/working, but no output and no transcript growth for \d+ s/);
  await mutate(page, "runners.kill", { id: runner.id });
});
