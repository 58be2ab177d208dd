import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Pool, Task } from "@stratavore/contracts";
import { createScratchDatabase } from "@stratavore/db/testing";
import { expectFailure } from "./testing/cli-assertions.ts";
import { CliHarness, type Issued } from "./testing/cli-harness.ts";

/** `stratavore task`, `pool`, `runners move`/`rebalance`, `nodes evacuate` and `windows`: the built binary against a live server on its own database. */
let h: CliHarness;
let operator: Issued;
let viewer: Issued;

beforeAll(async () => {
  h = await CliHarness.start(await createScratchDatabase(inject("adminUrl"), "cli_tasks"));
  operator = await h.issue("operator");
  viewer = await h.issue("viewer");
}, 60_000);

afterAll(() => h?.stop());

describe("stratavore task / pool", () => {
  it("queues tasks (argument or stdin), lists them in the pool's order, cancels one; the pool's policy is set and shown", async () => {
    expect((await h.runAs(operator, ["projects", "create", "cli-tasks", "--path", await h.freshDir("t")])).code).toBe(
      0,
    );
    const first = await h.jsonAs<Task>(operator, ["task", "add", "cli-tasks", "write the changelog"]);
    expect(first).toMatchObject({ status: "queued", priority: 0, source: "cli", prompt: "write the changelog" });
    // Claude's own flags come after "--", so --json goes before it.
    const added = await h.runAs(operator, [
      "task",
      "add",
      "cli-tasks",
      "fix the build",
      "--priority",
      "5",
      "--model",
      "sonnet",
      "--json",
      "--",
      "--verbose",
    ]);
    expect(added.code, added.stderr).toBe(0);
    const urgent = JSON.parse(added.stdout) as Task;
    expect(urgent).toMatchObject({ priority: 5, model: "sonnet", flags: ["--verbose"] });
    const piped = await h.run(["task", "add", "cli-tasks", "-", "--json"], {
      ...h.as(operator),
      stdin: "from stdin\nsecond line\n",
    });
    expect(piped.code, piped.stderr).toBe(0);
    expect((JSON.parse(piped.stdout) as Task).prompt).toBe("from stdin\nsecond line");

    const queued = await h.jsonAs<{ tasks: Task[]; queued: number }>(operator, [
      "task",
      "list",
      "--project",
      "cli-tasks",
      "--status",
      "queued",
    ]);
    expect(queued.queued).toBe(3);
    expect(queued.tasks.map((t) => t.prompt)).toEqual([
      "fix the build",
      "write the changelog",
      "from stdin\nsecond line",
    ]);
    const text = await h.runAs(viewer, ["task", "list", "--project", "cli-tasks"]);
    expect(text.stdout).toMatch(/^ID\s+PROJECT\s+STATUS\s+PRI\s+PROMPT\s+RUNNER\s+ADDED\s+OUTCOME\n/);
    expect(text.stdout).toContain("3 queued.");

    const cancelled = await h.jsonAs<Task>(operator, ["task", "cancel", first.id]);
    expect(cancelled.status).toBe("cancelled");
    expectFailure(await h.runAs(operator, ["task", "cancel", first.id]), 6, "CONFLICT", /already ended/);

    const pool = await h.jsonAs<Pool>(operator, [
      "pool",
      "set",
      "cli-tasks",
      "--max",
      "4",
      "--min",
      "1",
      "--idle-timeout",
      "60",
      "--max-node-memory",
      "80%",
      "--disable",
    ]);
    expect(pool).toMatchObject({
      enabled: false,
      minRunners: 1,
      maxRunners: 4,
      idleTimeoutSec: 60,
      maxNodeMemoryPercent: 80,
    });
    const shown = await h.runAs(viewer, ["pool", "show", "cli-tasks"]);
    expect(shown.stdout).toContain("1–4 (now 0 working, 0 idle)");
    expect(shown.stdout).toContain("2 queued");
    const hook = await h.runAs(operator, ["pool", "hook", "cli-tasks"]);
    expect(hook.stdout).toMatch(/\/hooks\/tasks\/[A-Za-z0-9_-]{32}\n/);
  });

  it("refuses bad input with usage errors and a viewer's writes with FORBIDDEN, queuing nothing", async () => {
    expectFailure(await h.runAs(operator, ["task", "add", "cli-tasks", "x", "--priority", "high"]), 2, "USAGE");
    expectFailure(await h.runAs(operator, ["task", "list", "--status", "stuck"]), 2, "USAGE");
    expectFailure(await h.runAs(operator, ["pool", "set", "cli-tasks", "--max-node-cpu", "150"]), 2, "USAGE");
    expectFailure(await h.runAs(operator, ["pool", "set", "cli-tasks", "--min", "9", "--max", "2"]), 2, "VALIDATION");
    expectFailure(await h.runAs(operator, ["task", "add", "no-such-project", "x"]), 5, "NOT_FOUND", /no-such-project/);
    expectFailure(await h.runAs(viewer, ["task", "add", "cli-tasks", "x"]), 4, "FORBIDDEN");
    expectFailure(await h.runAs(viewer, ["pool", "set", "cli-tasks", "--max", "2"]), 4, "FORBIDDEN");
    const all = await h.jsonAs<{ tasks: Task[] }>(operator, ["task", "list", "--project", "cli-tasks"]);
    expect(all.tasks).toHaveLength(3);
  });

  it("runners move, runners rebalance and nodes evacuate: plans, and coded refusals", async () => {
    const admin = await h.issue("admin");
    const plan = await h.runAs(admin, ["runners", "rebalance", "--dry-run"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.trim()).toBe("Nothing to move.");
    expect(await h.jsonAs<unknown[]>(admin, ["runners", "rebalance", "--dry-run"])).toEqual([]);
    expectFailure(await h.runAs(operator, ["runners", "rebalance"]), 4, "FORBIDDEN");
    expectFailure(await h.runAs(admin, ["nodes", "evacuate", "no-such-node"]), 5, "NOT_FOUND", /no-such-node/);
    expectFailure(await h.runAs(operator, ["runners", "move", "00000000-0000-4000-8000-000000000000"]), 5, "NOT_FOUND");
  });

  it("windows set/list/delete: plan presets, custom limits, coded refusals", async () => {
    const admin = await h.issue("admin");
    expect((await h.runAs(admin, ["windows"])).stdout).toContain("No subscription accounts.");
    const team = await h.jsonAs<{ windowTokenLimit: number; plan: string }>(admin, [
      "windows",
      "set",
      "team",
      "--plan",
      "max5",
    ]);
    expect(team).toMatchObject({ plan: "max5", windowTokenLimit: 88_000 });
    const listed = await h.runAs(viewer, ["windows"]);
    expect(listed.stdout).toMatch(/^ACCOUNT\s+PLAN\s+5H TOKENS/);
    expect(listed.stdout).toMatch(/team\s+max5\s+0\s+88000\s+0 %\s+not running/);
    expectFailure(
      await h.runAs(admin, ["windows", "set", "solo", "--plan", "custom"]),
      2,
      "VALIDATION",
      /windowTokenLimit/,
    );
    expectFailure(await h.runAs(admin, ["windows", "set", "solo", "--plan", "gold"]), 2, "USAGE");
    expectFailure(await h.runAs(viewer, ["windows", "set", "solo", "--plan", "pro"]), 4, "FORBIDDEN");
    expect((await h.runAs(admin, ["windows", "delete", "team"])).code).toBe(0);
    expectFailure(await h.runAs(admin, ["windows", "delete", "team"]), 5, "NOT_FOUND");
  });

  it("projects edit sets the watchdog's stall time and actions", async () => {
    const p = await h.jsonAs<{ watchdogStallSeconds: number; watchdogOnStall: string; watchdogOnErrorLoop: string }>(
      operator,
      ["projects", "edit", "cli-tasks", "--stall-seconds", "90", "--on-stall", "restart", "--on-error-loop", "pause"],
    );
    expect(p).toMatchObject({ watchdogStallSeconds: 90, watchdogOnStall: "restart", watchdogOnErrorLoop: "pause" });
    expectFailure(await h.runAs(operator, ["projects", "edit", "cli-tasks", "--on-stall", "explode"]), 2, "USAGE");
    expectFailure(await h.runAs(operator, ["projects", "edit", "cli-tasks", "--stall-seconds", "2"]), 2, "VALIDATION");
  });
});
