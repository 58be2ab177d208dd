import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AuditEventRow, ChainVerifyResult, JobsOverview } from "@stratavore/contracts";
import { createApiClient } from "@stratavore/api-client";
import { createScratchDatabase } from "@stratavore/db/testing";
import { expectFailure } from "./testing/cli-assertions.ts";
import { CliHarness, type Issued } from "./testing/cli-harness.ts";

/**
 * `stratavore events` (filters, --follow), `events verify` against a tampered row, `jobs` and
 * `channels` — the built binary against a live server on its own database.
 */
let h: CliHarness;
let admin: Issued;
let viewer: Issued;

beforeAll(async () => {
  h = await CliHarness.start(await createScratchDatabase(inject("adminUrl"), "cli_events"));
  admin = await h.issue("admin");
  viewer = await h.issue("viewer");
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

describe("stratavore events", () => {
  it("lists the audit log oldest-last with filters by type, project and actor", async () => {
    const dir = await h.freshDir("proj");
    expect((await h.runAs(admin, ["projects", "create", "evt-alpha", "--path", dir])).code).toBe(0);
    expect((await h.runAs(admin, ["projects", "create", "evt-beta", "--path", await h.freshDir("proj2")])).code).toBe(
      0,
    );
    const all = await h.jsonAs<AuditEventRow[]>(admin, ["events", "--type", "project."]);
    const names = all.filter((e) => e.type === "project.created").map((e) => e.projectName);
    expect(names.slice(-2)).toEqual(["evt-alpha", "evt-beta"]);
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b));
    const alpha = await h.jsonAs<AuditEventRow[]>(admin, ["events", "--project", "evt-alpha"]);
    expect(alpha.map((e) => e.type)).toEqual(["project.created"]);
    expect(alpha[0]!.actorName).toBe(admin.email);
    const byActor = await h.jsonAs<AuditEventRow[]>(admin, ["events", "--actor", admin.email, "--limit", "500"]);
    expect(byActor.length).toBeGreaterThanOrEqual(2);
    expect(byActor.every((e) => e.actorName === admin.email)).toBe(true);
    // "system" is filtered in the query, so a page is full when there are enough such events.
    const bySystem = await h.jsonAs<AuditEventRow[]>(admin, ["events", "--actor", "system", "--limit", "2"]);
    expect(bySystem.every((e) => e.actorType === "system")).toBe(true);
    expect(bySystem.length).toBe(Math.min(2, await h.db.event.count({ where: { actorType: "system" } })));
    // It names every user by email: admins only.
    expectFailure(await h.runAs(viewer, ["events"]), 4, "FORBIDDEN");
    const text = await h.runAs(admin, ["events", "--project", "evt-beta"]);
    expect(text.stdout).toMatch(/^SEQ\s+AT\s+TYPE\s+ACTOR\s+ENTITY\s+PROJECT\n/);
    expect(text.stdout).toContain("project.created");
    expectFailure(await h.runAs(admin, ["events", "--project", "no-such-project"]), 5, "NOT_FOUND", /no-such-project/);
    expectFailure(await h.runAs(admin, ["events", "--limit", "0"]), 2, "USAGE");
  });

  it("--follow prints new events as they happen", async () => {
    const live = h.start(["events", "--follow", "--type", "project.created", "--limit", "1", "--json"], h.as(admin));
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      (await h.runAs(admin, ["projects", "create", "evt-followed", "--path", await h.freshDir("proj3")])).code,
    ).toBe(0);
    await live.waitFor(/evt-followed/, "stdout", 10_000);
    live.signal("SIGINT");
    const lines = live.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as AuditEventRow);
    expect(lines.at(-1)).toMatchObject({ type: "project.created", projectName: "evt-followed" });
  });

  it("verify passes on an intact chain and names the first tampered event, which is itself announced", async () => {
    const ok = await h.jsonAs<ChainVerifyResult>(admin, ["events", "verify"]);
    expect(ok.ok).toBe(true);
    const count = await h.db.event.count();
    expect(ok.checked).toBe(count);
    expectFailure(await h.runAs(viewer, ["events", "verify"]), 4, "FORBIDDEN");

    // Tamper as an attacker with database access would: change one event's data.
    const victim = await h.db.event.findFirst({ where: { type: "project.created" }, orderBy: { seq: "asc" } });
    await h.db.$executeRaw`UPDATE "Event" SET data = '{"name":"renamed"}' WHERE seq = ${victim!.seq}`;
    const broken = await h.runAs(admin, ["events", "verify"]);
    expectFailure(broken, 1, "CHAIN_BROKEN", new RegExp(`event #${victim!.seq}\\b`));
    const recorded = await h.jsonAs<AuditEventRow[]>(admin, ["events", "--type", "audit.chain_broken"]);
    expect(recorded.map((e) => (e.data as { firstBrokenSeq: number }).firstBrokenSeq)).toEqual([Number(victim!.seq)]);
  });
});

describe("stratavore jobs and channels", () => {
  it("shows the queue, tests an in-app channel and prints its delivery log", async () => {
    const jobs = await h.jsonAs<JobsOverview>(admin, ["jobs"]);
    expect(jobs.queues.map((q) => q.name)).toEqual(["deliver"]);
    expect(jobs.outbox.depth).toBeGreaterThanOrEqual(0);
    expectFailure(await h.runAs(viewer, ["jobs"]), 4, "FORBIDDEN");
    // A fresh install has one: warnings and worse in every user's bell.
    expect((await h.runAs(admin, ["channels"])).stdout).toMatch(
      /^NAME\s+KIND\s+ON\s+TARGET.*\nDashboard\s+in_app\s+yes\s+every user's notification list\s.*\n$/,
    );
    const api = createApiClient({ serverUrl: h.server.url, token: admin.token });
    expect(
      (await api.channels.list.query()).map((c) => [c.name, c.kind, c.enabled, c.minSeverity, c.eventFilter]),
    ).toEqual([["Dashboard", "in_app", true, "warning", []]]);
    await api.channels.create.mutate({ name: "bell", config: { kind: "in_app" } });
    const list = await h.runAs(admin, ["channels"]);
    expect(list.stdout).toMatch(/^bell\s+in_app\s+yes\s+every user's notification list\s+-$/m);
    const test = await h.runAs(admin, ["channels", "test", "bell"]);
    expect(test.stdout).toMatch(/^Test sent to bell in \d+ ms: a test notification was added to your list\n$/);
    const mine = await api.notifications.list.query({});
    expect(mine.items.filter((n) => n.type === "channel.test").map((n) => n.title)).toEqual([
      "Test message for channel bell",
    ]);
    const log = await h.runAs(admin, ["channels", "log", "bell"]);
    expect(log.stdout).toMatch(
      /^AT\s+EVENT\s+TRY\s+OK\s+STATUS\s+MS\s+RESPONSE\n\S+\s+test\s+1\s+yes\s+-\s+\d+\s+a test notification/,
    );
    expectFailure(await h.runAs(admin, ["channels", "test", "nope"]), 5, "NOT_FOUND", /nope/);
  });
});
