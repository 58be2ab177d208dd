import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { signInCookie } from "@stratavore/server/testing";
import { expectFailure } from "./testing/cli-assertions.ts";
import { CliHarness, closedPort, hasTtyRunner, type Issued } from "./testing/cli-harness.ts";

let h: CliHarness;
let operator: Issued;
let admin: Issued;

beforeAll(async () => {
  h = await CliHarness.start(workerDatabase(inject("databaseUrls")));
  [operator, admin] = await Promise.all([h.issue("operator"), h.issue("admin")]);
});

afterAll(async () => {
  await h?.stop();
});

/** Credentials through the environment: the override path, and no config file needed. */
const as = (who: Issued) => ({ env: { STRATAVORE_SERVER: h.server.url, STRATAVORE_TOKEN: who.token } });

describe("help and usage", () => {
  it("prints help with the exit codes and exits 0, for the root and for subcommands", async () => {
    const root = await h.run(["--help"]);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/Usage: stratavore/);
    expect(root.stdout).toMatch(/7\s+server unreachable/);
    expect(root.stdout).toMatch(/STRATAVORE_CONFIG_DIR/);
    const sub = await h.run(["projects", "create", "--help"]);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/--max-runners <n>/);
    expect(sub.stdout).toMatch(/Exit codes:/);
  });

  it("exits 2 with one USAGE line for unknown options, missing arguments and bad numbers", async () => {
    expectFailure(await h.run(["projects", "list", "--bogus"]), 2, "USAGE", /unknown option '--bogus'/);
    expectFailure(await h.run(["projects", "create", "x"]), 2, "USAGE", /--path/);
    expectFailure(
      await h.run(["projects", "create", "x", "--path", "/x", "--max-runners", "0"]),
      2,
      "USAGE",
      /max-runners/,
    );
    expectFailure(
      await h.run(["projects", "edit", "x", "--tag", "a", "--clear-tags"]),
      2,
      "USAGE",
      /cannot be used with/,
    );
  });
});

describe("login, whoami, logout", () => {
  it("exits 3 when not logged in", async () => {
    expectFailure(await h.run(["whoami"], { configDir: await h.freshDir("none") }), 3, "NOT_LOGGED_IN");
    expectFailure(await h.run(["projects", "list"], { configDir: await h.freshDir("none") }), 3, "NOT_LOGGED_IN");
  });

  it("stores server and token in a 0600 file inside a 0700 directory, then uses them", async () => {
    const configDir = join(await h.freshDir("login"), "nested", "stratavore");
    const login = await h.run(["login", "--server", h.server.url, "--token", operator.token], { configDir });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(operator.email);

    const file = join(configDir, "config.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(configDir)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ server: h.server.url, token: operator.token });

    const who = await h.run(["whoami"], { configDir });
    expect(who.code).toBe(0);
    expect(who.stdout).toMatch(new RegExp(`Email:\\s+${operator.email}`));
    expect(who.stdout).toMatch(/Role:\s+operator/);

    const json = await h.run(["whoami", "--json"], { configDir });
    expect(JSON.parse(json.stdout)).toMatchObject({
      email: operator.email,
      role: "operator",
      via: "token",
      scopes: ["read", "write"],
      server: h.server.url,
    });

    const out = await h.run(["logout"], { configDir });
    expect(out.code).toBe(0);
    await expect(stat(file)).rejects.toMatchObject({ code: "ENOENT" });
    expectFailure(await h.run(["whoami"], { configDir }), 3, "NOT_LOGGED_IN");
  });

  it("reads the token from stdin with --token - and finds the config under XDG_CONFIG_HOME", async () => {
    const xdg = await h.freshDir("xdg");
    const env = { XDG_CONFIG_HOME: xdg };
    const login = await h.run(["login", "--server", h.server.url, "--token", "-"], { env, stdin: `${admin.token}\n` });
    expect(login.code, login.stderr).toBe(0);
    expect(JSON.parse(await readFile(join(xdg, "stratavore", "config.json"), "utf8")).token).toBe(admin.token);
    const who = await h.run(["whoami", "--json"], { env });
    expect(JSON.parse(who.stdout).email).toBe(admin.email);
  });

  it("lets STRATAVORE_TOKEN override the stored login", async () => {
    const configDir = await h.freshDir("override");
    expect((await h.run(["login", "--server", h.server.url, "--token", operator.token], { configDir })).code).toBe(0);
    const who = await h.run(["whoami", "--json"], { configDir, env: { STRATAVORE_TOKEN: admin.token } });
    expect(JSON.parse(who.stdout).email).toBe(admin.email);
  });

  it("rejects a bad token at login with exit 3 and stores nothing", async () => {
    const configDir = await h.freshDir("bad");
    expectFailure(
      await h.run(["login", "--server", h.server.url, "--token", "svt_not-a-real-token"], { configDir }),
      3,
      "UNAUTHENTICATED",
      /rejected/,
    );
    await expect(stat(join(configDir, "config.json"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("changes your own password from stdin (current, then new); a wrong current one is refused", async () => {
    const user = await h.issue("viewer");
    expectFailure(
      await h.run(["password"], { ...as(user), stdin: "not-the-password\nsome-new-password\n" }),
      2,
      "WRONG_PASSWORD",
    );
    const ok = await h.run(["password", "--json"], { ...as(user), stdin: `${h.password}\nsome-new-password\n` });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ endedSessions: 0 });
    expect((await signInCookie(h.server.url, user.email, "some-new-password")).cookie).not.toBeNull();
    expect((await signInCookie(h.server.url, user.email, h.password)).cookie).toBeNull();
    expectFailure(await h.run(["password"], { ...as(user), stdin: "only-one-line" }), 2, "USAGE");
  });

  it("exits 7 when the server cannot be reached", async () => {
    const server = `http://127.0.0.1:${await closedPort()}`;
    expectFailure(
      await h.run(["whoami"], { env: { STRATAVORE_SERVER: server, STRATAVORE_TOKEN: operator.token } }),
      7,
      "UNREACHABLE",
    );
    expectFailure(
      await h.run(["login", "--server", server, "--token", operator.token], { configDir: await h.freshDir("down") }),
      7,
      "UNREACHABLE",
    );
  });
});

describe("projects", () => {
  /** Runs as the operator unless told otherwise. */
  const cli = (args: string[], who: Issued = operator) => h.run(args, as(who));
  const listJson = async (args: string[]) => {
    const r = await cli(["projects", "list", "--json", ...args]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { name: string; status: string; tags: string[] }[];
  };

  it("creates, lists, shows, edits, archives, unarchives and deletes a project", async () => {
    const name = uniqueSlug("cli-proj");
    const created = await cli([
      "projects",
      "create",
      name,
      "--path",
      "/srv/checkouts/app/",
      "--description",
      "CLI test",
      "--tag",
      "web",
      "--tag",
      "api,cli",
      "--max-runners",
      "2",
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`Created project ${name}`));
    expect(created.stdout).toMatch(/Path:\s+\/srv\/checkouts\/app\n/);

    const [listed] = await listJson(["--search", name]);
    expect(listed).toMatchObject({
      name,
      path: "/srv/checkouts/app",
      tags: ["web", "api", "cli"],
      maxRunners: 2,
      status: "idle",
    });
    expect((listed as unknown as { createdAt: string }).createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await listJson(["--tag", "cli", "--search", name])).toHaveLength(1);
    expect(await listJson(["--tag", "nope", "--search", name])).toHaveLength(0);

    const table = await cli(["projects", "list", "--search", name]);
    expect(table.stdout).toMatch(/^NAME\s+STATUS\s+RUNNERS\s+TAGS\s+PATH\n/);
    expect(table.stdout).toMatch(new RegExp(`^${name}\\s+idle\\s+0/2\\s+web, api, cli\\s+/srv/checkouts/app$`, "m"));

    const shown = await cli(["projects", "show", name, "--json"]);
    const detail = JSON.parse(shown.stdout);
    expect(detail).toMatchObject({
      name,
      description: "CLI test",
      stats: { activeRunners: 0, totalRunners: 0, sessions: 0, totalTokens: 0, costUsd: 0, lastActivityAt: null },
    });
    const byId = await cli(["projects", "show", detail.id]);
    expect(byId.stdout).toMatch(new RegExp(`Name:\\s+${name}`));
    expect(byId.stdout).toMatch(/Sessions:\s+0/);
    expect(byId.stdout).toMatch(/Cost:\s+\$0\.00/);

    const renamed = `${name}-v2`;
    const edited = await cli([
      "projects",
      "edit",
      name,
      "--name",
      renamed,
      "--path",
      "/srv/other",
      "--tag",
      "solo",
      "--max-runners",
      "7",
    ]);
    expect(edited.code, edited.stderr).toBe(0);
    expect(JSON.parse((await cli(["projects", "show", renamed, "--json"])).stdout)).toMatchObject({
      id: detail.id,
      path: "/srv/other",
      tags: ["solo"],
      maxRunners: 7,
    });
    const cleared = await cli(["projects", "edit", renamed, "--clear-tags", "--json"]);
    expect(JSON.parse(cleared.stdout).tags).toEqual([]);

    expect((await cli(["projects", "archive", renamed])).stdout).toMatch(/Status:\s+archived/);
    expect(await listJson(["--search", renamed])).toHaveLength(0);
    expect(await listJson(["--search", renamed, "--all"])).toMatchObject([{ name: renamed, status: "archived" }]);
    expect(await listJson(["--search", renamed, "--status", "archived"])).toHaveLength(1);
    expect((await cli(["projects", "unarchive", renamed])).code).toBe(0);
    expect(await listJson(["--search", renamed])).toMatchObject([{ status: "idle" }]);

    // Deleting is admin-only and, without a terminal, needs --yes.
    expectFailure(await cli(["projects", "delete", renamed], admin), 2, "USAGE", /--yes/);
    expectFailure(await cli(["projects", "delete", renamed, "--yes"]), 4, "FORBIDDEN");
    expect(await listJson(["--search", renamed])).toHaveLength(1);
    const deleted = await cli(["projects", "delete", renamed, "--yes"], admin);
    expect(deleted.code, deleted.stderr).toBe(0);
    expectFailure(await cli(["projects", "show", renamed]), 5, "NOT_FOUND");
  });

  it.skipIf(!hasTtyRunner)("asks for the name on a terminal and deletes only when it matches", async () => {
    const name = uniqueSlug("cli-tty");
    expect((await cli(["projects", "create", name, "--path", "/srv/tty"])).code).toBe(0);
    const declined = await h.runInTty(["projects", "delete", name], { ...as(admin), stdin: "wrong-name\n" });
    expect(declined.code).toBe(1);
    expect(declined.stdout).toMatch(/Type its name to confirm/);
    expect(declined.stdout).toMatch(/error \[ABORTED\]/);
    expect((await cli(["projects", "show", name])).code).toBe(0);

    const confirmed = await h.runInTty(["projects", "delete", name], { ...as(admin), stdin: `${name}\n` });
    expect(confirmed.code, confirmed.stdout).toBe(0);
    expect(confirmed.stdout).toMatch(new RegExp(`Deleted project ${name}`));
    expectFailure(await cli(["projects", "show", name]), 5, "NOT_FOUND");
  });

  it("reports server-side validation as VALIDATION with exit 2", async () => {
    expectFailure(
      await cli(["projects", "create", "Bad Name!", "--path", "/srv/x"]),
      2,
      "VALIDATION",
      /name: Use lowercase/,
    );
    expectFailure(
      await cli(["projects", "create", uniqueSlug("cli-rel"), "--path", "relative/dir"]),
      2,
      "VALIDATION",
      /path: Must be an absolute path/,
    );
    expectFailure(
      await cli(["projects", "create", uniqueSlug("cli-tag"), "--path", "/srv/x", "--tag", "Not A Tag"]),
      2,
      "VALIDATION",
      /tags/,
    );
  });

  it("maps NOT_FOUND to 5 and a taken name to 6", async () => {
    const missing = uniqueSlug("cli-missing");
    expectFailure(await cli(["projects", "show", missing]), 5, "NOT_FOUND", new RegExp(missing));
    expectFailure(await cli(["projects", "archive", missing]), 5, "NOT_FOUND");
    expectFailure(await cli(["projects", "edit", missing, "--description", "x"]), 5, "NOT_FOUND");
    expectFailure(await cli(["projects", "delete", missing, "--yes"], admin), 5, "NOT_FOUND");

    const name = uniqueSlug("cli-dup");
    expect((await cli(["projects", "create", name, "--path", "/srv/dup"])).code).toBe(0);
    expectFailure(await cli(["projects", "create", name, "--path", "/srv/dup2"]), 6, "PROJECT_NAME_TAKEN");
  });

  it("lets a viewer read but not create (FORBIDDEN, exit 4)", async () => {
    const viewer = await h.issue("viewer");
    const name = uniqueSlug("cli-viewer");
    expect((await cli(["projects", "list", "--json"], viewer)).code).toBe(0);
    expectFailure(await cli(["projects", "create", name, "--path", "/srv/v"], viewer), 4, "FORBIDDEN", /operator/);
    expectFailure(await cli(["projects", "show", name]), 5, "NOT_FOUND");
  });

  it("refuses writes with a read-only token (TOKEN_SCOPE, exit 4)", async () => {
    const readOnly = await h.issue("operator", ["read"]);
    const name = uniqueSlug("cli-scope");
    expect((await cli(["projects", "list", "--search", name, "--json"], readOnly)).stdout.trim()).toBe("[]");
    expectFailure(
      await cli(["projects", "create", name, "--path", "/srv/s"], readOnly),
      4,
      "TOKEN_SCOPE",
      /'write' scope/,
    );
    expectFailure(await cli(["projects", "show", name]), 5, "NOT_FOUND");
  });

  it("exits 3 when the token is unknown to the server", async () => {
    expectFailure(
      await h.run(["projects", "list"], {
        env: { STRATAVORE_SERVER: h.server.url, STRATAVORE_TOKEN: "svt_revoked-or-made-up" },
      }),
      3,
      "UNAUTHENTICATED",
    );
  });
});
