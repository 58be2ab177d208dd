import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Role } from "@stratavore/contracts";
import { uniqueEmail, uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { createHarness, errorCodeOf } from "../testing/api-harness.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

type Api = ReturnType<typeof h.caller>;
interface Case {
  name: string;
  minRole: Role | "anonymous";
  mutation: boolean;
  call: (api: Api) => Promise<unknown>;
}

const MISSING = "00000000-0000-4000-8000-000000000000";
let projectName = "";
let victimId = "";

/** Every procedure of the router, with the least role allowed to call it. */
const cases: Case[] = [
  { name: "system.health", minRole: "anonymous", mutation: false, call: (a) => a.system.health() },
  { name: "system.instances", minRole: "admin", mutation: false, call: (a) => a.system.instances() },
  { name: "auth.whoami", minRole: "viewer", mutation: false, call: (a) => a.auth.whoami() },
  { name: "auth.sessions", minRole: "viewer", mutation: false, call: (a) => a.auth.sessions() },
  {
    name: "auth.changePassword",
    minRole: "viewer",
    mutation: true,
    call: (a) => a.auth.changePassword({ currentPassword: "not-the-password", newPassword: "another-long-one" }),
  },
  { name: "auth.signOutEverywhere", minRole: "viewer", mutation: true, call: (a) => a.auth.signOutEverywhere() },
  { name: "projects.list", minRole: "viewer", mutation: false, call: (a) => a.projects.list({}) },
  { name: "projects.get", minRole: "viewer", mutation: false, call: (a) => a.projects.get({ ref: projectName }) },
  { name: "projects.folder", minRole: "viewer", mutation: false, call: (a) => a.projects.folder({ ref: projectName }) },
  {
    name: "projects.changesSince",
    minRole: "viewer",
    mutation: false,
    call: (a) => a.projects.changesSince({ afterSeq: 0 }),
  },
  {
    name: "projects.create",
    minRole: "operator",
    mutation: true,
    call: (a) => a.projects.create({ name: uniqueSlug("m"), path: "/m" }),
  },
  {
    name: "projects.update",
    minRole: "operator",
    mutation: true,
    call: (a) => a.projects.update({ id: MISSING, description: "x" }),
  },
  { name: "projects.archive", minRole: "operator", mutation: true, call: (a) => a.projects.archive({ id: MISSING }) },
  {
    name: "projects.unarchive",
    minRole: "operator",
    mutation: true,
    call: (a) => a.projects.unarchive({ id: MISSING }),
  },
  { name: "projects.delete", minRole: "admin", mutation: true, call: (a) => a.projects.delete({ id: MISSING }) },
  { name: "apiTokens.list", minRole: "viewer", mutation: false, call: (a) => a.apiTokens.list() },
  {
    name: "apiTokens.create",
    minRole: "viewer",
    mutation: true,
    call: (a) => a.apiTokens.create({ name: "t", scopes: ["read"] }),
  },
  { name: "apiTokens.revoke", minRole: "viewer", mutation: true, call: (a) => a.apiTokens.revoke({ id: MISSING }) },
  { name: "runners.list", minRole: "viewer", mutation: false, call: (a) => a.runners.list({}) },
  { name: "runners.get", minRole: "viewer", mutation: false, call: (a) => a.runners.get({ id: MISSING }) },
  { name: "runners.timeline", minRole: "viewer", mutation: false, call: (a) => a.runners.timeline({ id: MISSING }) },
  {
    name: "runners.scrollback",
    minRole: "viewer",
    mutation: false,
    call: (a) => a.runners.scrollback({ id: MISSING }),
  },
  {
    name: "runners.launch",
    minRole: "operator",
    mutation: true,
    call: (a) => a.runners.launch({ project: "no-such-project-anywhere" }),
  },
  { name: "runners.stop", minRole: "operator", mutation: true, call: (a) => a.runners.stop({ id: MISSING }) },
  { name: "runners.kill", minRole: "operator", mutation: true, call: (a) => a.runners.kill({ id: MISSING }) },
  { name: "runners.pause", minRole: "operator", mutation: true, call: (a) => a.runners.pause({ id: MISSING }) },
  { name: "runners.unpause", minRole: "operator", mutation: true, call: (a) => a.runners.unpause({ id: MISSING }) },
  { name: "nodes.list", minRole: "viewer", mutation: false, call: (a) => a.nodes.list() },
  { name: "nodes.get", minRole: "viewer", mutation: false, call: (a) => a.nodes.get({ ref: MISSING }) },
  { name: "nodes.drain", minRole: "admin", mutation: true, call: (a) => a.nodes.drain({ ref: MISSING }) },
  { name: "nodes.undrain", minRole: "admin", mutation: true, call: (a) => a.nodes.undrain({ ref: MISSING }) },
  { name: "nodes.revoke", minRole: "admin", mutation: true, call: (a) => a.nodes.revoke({ ref: MISSING }) },
  { name: "joinTokens.list", minRole: "admin", mutation: false, call: (a) => a.joinTokens.list() },
  { name: "joinTokens.create", minRole: "admin", mutation: true, call: (a) => a.joinTokens.create({ ttlMinutes: 5 }) },
  { name: "joinTokens.revoke", minRole: "admin", mutation: true, call: (a) => a.joinTokens.revoke({ id: MISSING }) },
  { name: "usage.query", minRole: "viewer", mutation: false, call: (a) => a.usage.query({}) },
  {
    name: "usage.import",
    minRole: "operator",
    mutation: true,
    call: (a) =>
      a.usage.import({
        sessions: [
          {
            sessionId: uniqueSlug("imp"),
            cwd: null,
            title: null,
            firstAt: null,
            lastAt: null,
            messageCount: 0,
            records: [],
          },
        ],
      }),
  },
  { name: "usage.reprice", minRole: "admin", mutation: true, call: (a) => a.usage.reprice() },
  { name: "prices.list", minRole: "viewer", mutation: false, call: (a) => a.prices.list() },
  {
    name: "prices.setOverride",
    minRole: "admin",
    mutation: true,
    call: (a) =>
      a.prices.setOverride({
        modelPattern: "claude-authz-test",
        input: 1,
        output: 2,
        cacheWrite5m: 1.25,
        cacheWrite1h: 2,
        cacheRead: 0.1,
      }),
  },
  {
    name: "prices.removeOverride",
    minRole: "admin",
    mutation: true,
    call: (a) => a.prices.removeOverride({ modelPattern: "claude-authz-test" }),
  },
  { name: "usage.importLocalSource", minRole: "admin", mutation: false, call: (a) => a.usage.importLocalSource() },
  {
    name: "usage.importLocalPreview",
    minRole: "admin",
    mutation: false,
    call: (a) => a.usage.importLocalPreview({ dir: "/nonexistent/stratavore-authz" }),
  },
  {
    name: "usage.importLocal",
    minRole: "admin",
    mutation: true,
    call: (a) => a.usage.importLocal({ dir: "/nonexistent/stratavore-authz" }),
  },
  { name: "runners.count", minRole: "viewer", mutation: false, call: (a) => a.runners.count({ status: "active" }) },
  { name: "usage.summary", minRole: "viewer", mutation: false, call: (a) => a.usage.summary() },
  { name: "budgets.list", minRole: "viewer", mutation: false, call: (a) => a.budgets.list() },
  { name: "budgets.get", minRole: "viewer", mutation: false, call: (a) => a.budgets.get({ id: MISSING }) },
  {
    name: "budgets.create",
    minRole: "admin",
    mutation: true,
    call: (a) =>
      a.budgets.create({
        name: uniqueSlug("b"),
        scope: "project",
        scopeRef: "no-such-project-anywhere",
        period: "daily",
        limitTokens: 10,
      }),
  },
  {
    name: "budgets.update",
    minRole: "admin",
    mutation: true,
    call: (a) => a.budgets.update({ id: MISSING, warnPercent: 50 }),
  },
  { name: "budgets.delete", minRole: "admin", mutation: true, call: (a) => a.budgets.delete({ id: MISSING }) },
  { name: "sessions.list", minRole: "viewer", mutation: false, call: (a) => a.sessions.list({}) },
  { name: "sessions.get", minRole: "viewer", mutation: false, call: (a) => a.sessions.get({ id: MISSING }) },
  { name: "sessions.entries", minRole: "viewer", mutation: false, call: (a) => a.sessions.entries({ id: MISSING }) },
  {
    name: "sessions.export",
    minRole: "viewer",
    mutation: false,
    call: (a) => a.sessions.export({ id: MISSING, format: "md" }),
  },
  { name: "sessions.resume", minRole: "operator", mutation: true, call: (a) => a.sessions.resume({ id: MISSING }) },
  {
    name: "sessions.transcript",
    minRole: "viewer",
    mutation: false,
    call: (a) => a.sessions.transcript({ id: MISSING }),
  },
  { name: "sessions.similar", minRole: "viewer", mutation: false, call: (a) => a.sessions.similar({ id: MISSING }) },
  {
    name: "sessions.costCheck",
    minRole: "viewer",
    mutation: false,
    call: (a) => a.sessions.costCheck({ id: MISSING }),
  },
  { name: "users.list", minRole: "admin", mutation: false, call: (a) => a.users.list() },
  {
    name: "users.create",
    minRole: "admin",
    mutation: true,
    call: (a) => a.users.create({ email: uniqueEmail("m"), name: "M", role: "viewer", password: "0123456789ab" }),
  },
  {
    name: "users.setDisabled",
    minRole: "admin",
    mutation: true,
    call: (a) => a.users.setDisabled({ id: victimId, disabled: false }),
  },
  {
    name: "users.setRole",
    minRole: "admin",
    mutation: true,
    call: (a) => a.users.setRole({ id: victimId, role: "viewer" }),
  },
  {
    name: "users.resetPassword",
    minRole: "admin",
    mutation: true,
    call: (a) => a.users.resetPassword({ id: victimId, password: "0123456789ab" }),
  },
  {
    name: "usage.importedSessions",
    minRole: "operator",
    mutation: false,
    call: (a) => a.usage.importedSessions({ sessionIds: [MISSING] }),
  },
  {
    name: "usage.importFinished",
    minRole: "operator",
    mutation: true,
    call: (a) => a.usage.importFinished({ sessions: 0, recordsChanged: 0 }),
  },
  { name: "channels.list", minRole: "admin", mutation: false, call: (a) => a.channels.list() },
  {
    name: "channels.create",
    minRole: "admin",
    mutation: true,
    call: (a) => a.channels.create({ name: uniqueSlug("ch"), config: { kind: "in_app" }, enabled: false }),
  },
  { name: "channels.update", minRole: "admin", mutation: true, call: (a) => a.channels.update({ id: MISSING }) },
  { name: "channels.delete", minRole: "admin", mutation: true, call: (a) => a.channels.delete({ id: MISSING }) },
  { name: "channels.test", minRole: "admin", mutation: true, call: (a) => a.channels.test({ id: MISSING }) },
  { name: "channels.attempts", minRole: "admin", mutation: false, call: (a) => a.channels.attempts({ id: MISSING }) },
  { name: "notifications.list", minRole: "viewer", mutation: false, call: (a) => a.notifications.list({}) },
  { name: "notifications.markRead", minRole: "viewer", mutation: true, call: (a) => a.notifications.markRead({}) },
  { name: "notifications.prefs", minRole: "viewer", mutation: false, call: (a) => a.notifications.prefs() },
  {
    name: "notifications.setPrefs",
    minRole: "viewer",
    mutation: true,
    call: (a) => a.notifications.setPrefs({ toastSeverity: "warning" }),
  },
  { name: "jobs.overview", minRole: "admin", mutation: false, call: (a) => a.jobs.overview() },
  { name: "jobs.deadLetters", minRole: "admin", mutation: false, call: (a) => a.jobs.deadLetters({}) },
  {
    name: "jobs.retryDeadLetters",
    minRole: "admin",
    mutation: true,
    call: (a) => a.jobs.retryDeadLetters({ ids: [MISSING] }),
  },
  { name: "audit.list", minRole: "admin", mutation: false, call: (a) => a.audit.list({ limit: 5 }) },
  { name: "audit.verify", minRole: "admin", mutation: true, call: (a) => a.audit.verify() },
  { name: "runners.move", minRole: "operator", mutation: true, call: (a) => a.runners.move({ id: MISSING }) },
  { name: "nodes.rebalance", minRole: "admin", mutation: true, call: (a) => a.nodes.rebalance({ dryRun: true }) },
  { name: "nodes.evacuate", minRole: "admin", mutation: true, call: (a) => a.nodes.evacuate({ ref: "no-such-node" }) },
  { name: "plugins.list", minRole: "admin", mutation: false, call: (a) => a.plugins.list() },
  { name: "windows.list", minRole: "viewer", mutation: false, call: (a) => a.windows.list() },
  {
    name: "windows.set",
    minRole: "admin",
    mutation: true,
    call: (a) => a.windows.set({ name: "no-such-node-account", plan: "pro", nodes: ["no-such-node"] }),
  },
  {
    name: "windows.delete",
    minRole: "admin",
    mutation: true,
    call: (a) => a.windows.delete({ name: "no-such-account" }),
  },
  { name: "tasks.list", minRole: "viewer", mutation: false, call: (a) => a.tasks.list({}) },
  { name: "tasks.get", minRole: "viewer", mutation: false, call: (a) => a.tasks.get({ id: MISSING }) },
  {
    name: "tasks.add",
    minRole: "operator",
    mutation: true,
    call: (a) => a.tasks.add({ project: "no-such-project", prompt: "x" }),
  },
  { name: "tasks.cancel", minRole: "operator", mutation: true, call: (a) => a.tasks.cancel({ id: MISSING }) },
  { name: "pools.get", minRole: "viewer", mutation: false, call: (a) => a.pools.get({ project: projectName }) },
  {
    name: "pools.set",
    minRole: "operator",
    mutation: true,
    call: (a) => a.pools.set({ project: "no-such-project", maxRunners: 2 }),
  },
  {
    name: "pools.rotateHook",
    minRole: "operator",
    mutation: true,
    call: (a) => a.pools.rotateHook({ project: "no-such-project" }),
  },
];

const ROLES: Role[] = ["viewer", "operator", "admin"];
const RANK = { anonymous: -1, viewer: 0, operator: 1, admin: 2 } as const;
const callers = {} as Record<Role, Api>;

beforeAll(async () => {
  for (const role of ROLES) callers[role] = (await h.as(role)).api;
  projectName = (await callers.admin.projects.create({ name: uniqueSlug("authz"), path: "/authz" })).name;
  victimId = (await h.createUser("viewer")).id;
});

describe("authorization matrix", () => {
  it("covers every procedure of the router", async () => {
    const { appRouter } = await import("../app/app-router.ts");
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(cases.map((c) => c.name).sort()).toEqual(procedures);
  });

  for (const c of cases) {
    it(`${c.name}: anonymous → ${c.minRole === "anonymous" ? "allowed" : "UNAUTHORIZED"}`, async () => {
      const res = await errorCodeOf(c.call(h.anonymous()));
      if (c.minRole === "anonymous") expect(res).toBeNull();
      else expect(res).toEqual({ trpc: "UNAUTHORIZED", app: "UNAUTHENTICATED" });
    });

    for (const role of ROLES) {
      const allowed = RANK[role] >= RANK[c.minRole];
      it(`${c.name}: ${role} → ${allowed ? "allowed" : "FORBIDDEN"}`, async () => {
        const res = await errorCodeOf(c.call(callers[role]));
        if (allowed) expect(res?.trpc ?? "OK").not.toMatch(/UNAUTHORIZED|FORBIDDEN/);
        else expect(res).toEqual({ trpc: "FORBIDDEN", app: "FORBIDDEN" });
      });
    }

    if (c.minRole !== "anonymous") {
      it(`${c.name}: admin via a read-only token → ${c.mutation ? "TOKEN_SCOPE" : "allowed"}`, async () => {
        const { api } = await h.as("admin", ["read"], "token");
        const res = await errorCodeOf(c.call(api));
        if (c.mutation) expect(res).toEqual({ trpc: "FORBIDDEN", app: "TOKEN_SCOPE" });
        else expect(res?.trpc ?? "OK").not.toMatch(/UNAUTHORIZED|FORBIDDEN/);
      });
    }
  }
});
