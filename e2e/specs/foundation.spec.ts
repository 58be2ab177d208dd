import { expect, test } from "@playwright/test";
import { admin, baseUrl, login, secondSession, uniqueName } from "../support/helpers";

test("a wrong password shows an error and does not sign in", async ({ page }) => {
  const answer = await page.goto(`${baseUrl()}/login`);
  // The dashboard's pages, served by Next.js, carry the server's headers: no site may frame them.
  expect(answer?.headers()).toMatchObject({
    "content-security-policy": "frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
  });
  await page.getByLabel("Email").fill(admin().email);
  await page.getByLabel("Password").fill("definitely-not-it");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".alert-error")).toHaveText("Wrong email or password.");
  await page.goto(`${baseUrl()}/projects`);
  await expect(page).toHaveURL(/\/login\?next=%2Fprojects/);
});

test("after sign-in, ?next= leads to a page of this site and never to another one", async ({ browser }) => {
  const signInAt = async (next: string) => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${baseUrl()}/login?next=${next}`);
    await page.getByLabel("Email").fill(admin().email);
    await page.getByLabel("Password").fill(admin().password);
    await page.getByRole("button", { name: "Sign in" }).click();
    return { page, ctx };
  };
  const here = await signInAt("%2Fprojects");
  await expect(here.page.getByRole("heading", { name: "Projects" })).toBeVisible();
  await here.ctx.close();
  // One slash then a backslash or a tab, or a dot segment before two slashes: all read as another site.
  for (const next of ["%2F%5Cevil.example%2F", "%2F%09%2Fevil.example%2F", "%2F.%2F%2Fevil.example%2F"]) {
    const { page, ctx } = await signInAt(next);
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(new URL(baseUrl()).origin);
    await ctx.close();
  }
});

test("create a project, see it live in a second session, archive it there too, then sign out", async ({
  page,
  browser,
}) => {
  await login(page);
  const other = await secondSession(browser);
  await other.goto(`${baseUrl()}/projects`);
  await expect(other.getByTestId("live-state")).toHaveText("● Live");

  const name = uniqueName("e2e");
  await page.goto(`${baseUrl()}/projects`);
  await page.getByRole("button", { name: "New project" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Path").fill(`/srv/${name}`);
  await page.getByLabel("Description").fill("Created by the browser test");
  await page.getByLabel("Tags").fill("e2e, web");
  const created = page.waitForResponse((r) => r.url().includes("projects.create") && r.ok());
  await page.getByRole("button", { name: "Create project" }).click();
  await created;

  // The other session never reloads: the project arrives over Socket.IO.
  const row = other.getByTestId("projects-table").getByRole("link", { name });
  await expect(row).toBeVisible({ timeout: 1_000 });

  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByText(`/srv/${name}`)).toBeVisible();

  const archived = page.waitForResponse((r) => r.url().includes("projects.archive") && r.ok());
  await page.getByRole("button", { name: "Archive" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Archive" }).click();
  await archived;
  await expect(page.getByText("archived", { exact: true })).toBeVisible();
  await expect(row).toBeHidden({ timeout: 1_000 });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(`${baseUrl()}/`);
  await expect(page).toHaveURL(/\/login/);
  await other.context().close();
});

test("bad input in the project form shows the server's field errors and creates nothing", async ({ page }) => {
  await login(page);
  await page.goto(`${baseUrl()}/projects?new=1`);
  await page.getByLabel("Name").fill("Not A Slug");
  await page.getByLabel("Path").fill("relative/path");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByText("Must be an absolute path")).toBeVisible();
  await expect(page.getByText(/Use lowercase letters/).first()).toBeVisible();
  await expect(page.getByRole("dialog")).toBeVisible();
});

test("the shell works on a phone: the menu opens the navigation", async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  await login(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Projects" })).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  // Everything in the open menu is on the screen, Sign out included (it was pushed off it).
  const signOut = page.getByRole("button", { name: "Sign out" });
  await expect(signOut).toBeInViewport({ ratio: 1 });
  await nav.getByRole("link", { name: "Projects" }).click();
  await expect(nav.getByRole("link", { name: "Projects" })).toBeHidden();
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
  await ctx.close();
});

test("settings: create an API token shown once, and an admin creates and disables a user", async ({ page }) => {
  await login(page);
  await page.goto(`${baseUrl()}/settings/tokens`);
  await page.getByLabel("Token name").fill("browser token");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("token-secret")).toHaveText(/^svt_/);
  await page.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.getByTestId("tokens-table")).toContainText("browser token");

  const email = `${uniqueName("ui")}@example.test`;
  await page.goto(`${baseUrl()}/settings/users`);
  await page.getByRole("button", { name: "New user" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill("UI Person");
  await page.getByLabel("Initial password").fill("ui-person-password");
  await page.getByRole("dialog").getByRole("button", { name: "Create user" }).click();
  const row = page.getByTestId("users-table").getByRole("row", { name: new RegExp(email) });
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByText("disabled")).toBeVisible();
});

test("settings: the REST API reference lists every route, and a token made in the UI calls one", async ({ page }) => {
  await login(page);
  await page.goto(`${baseUrl()}/settings/tokens`);
  await page.getByLabel("Token name").fill("rest token");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("token-secret").textContent()) ?? "";
  await page.getByRole("button", { name: "I have copied it" }).click();

  await page.goto(`${baseUrl()}/settings`);
  await page.getByRole("link", { name: "REST API reference" }).click();
  await expect(page.getByRole("heading", { name: "REST API" })).toBeVisible();
  const doc = (await (await page.request.get(`${baseUrl()}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const routes = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
  await expect(page.getByTestId("api-endpoint")).toHaveCount(routes);
  const launch = page.getByTestId("api-endpoint").filter({ hasText: "Launch a runner" });
  await launch.locator("summary").click();
  await expect(launch.locator(".api-curl")).toContainText("-X POST");
  await expect(launch.locator(".api-curl")).toContainText("/api/v1/runners");

  const res = await page.request.get(`${baseUrl()}/api/v1/projects`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(res.status()).toBe(200);
  expect(Array.isArray(await res.json())).toBe(true);
});

test("changing your password in Settings ends your other browser's sign-in; Sign out everywhere ends this one", async ({
  page,
  browser,
}) => {
  await login(page);
  const email = `${uniqueName("pw")}@example.test`;
  const created = await page.request.post(`${baseUrl()}/api/trpc/users.create`, {
    data: { json: { email, name: "Password Person", role: "viewer", password: "first-password-1" } },
  });
  expect(created.ok()).toBe(true);
  const [here, elsewhere] = await Promise.all([browser.newPage(), browser.newPage()]);
  await login(here, email, "first-password-1");
  await login(elsewhere, email, "first-password-1");

  await here.goto(`${baseUrl()}/settings`);
  await expect(here.getByText("and in 1 other browser")).toBeVisible();
  await here.getByLabel("Current password").fill("first-password-1");
  await here.getByLabel("New password", { exact: true }).fill("second-password-2");
  await here.getByLabel("New password again").fill("second-password-2");
  await here.getByRole("button", { name: "Change password" }).click();
  await expect(here.getByText("Password changed; 1 other sign-in ended.")).toBeVisible();

  await elsewhere.goto(`${baseUrl()}/projects`);
  await expect(elsewhere).toHaveURL(/\/login/);

  await here.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(here).toHaveURL(/\/login/);
  await here.context().close();
  await elsewhere.context().close();
});
