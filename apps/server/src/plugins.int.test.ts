import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createScratchDatabase, uniqueSlug } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";

/**
 * The two example plugins (libs/plugins) loaded by a real server from STRATAVORE_PLUGINS, with
 * their configs from STRATAVORE_PLUGIN_CONFIG, beside one that throws on every event: the
 * Slack-compatible channel posts to a local receiver, the git-branch hook tags runners, and
 * the broken one is disabled and reported while the server goes on.
 */
const PLUGINS = resolve(import.meta.dirname, "../../../libs/plugins/src");
let h: FleetHarness;
let slack: Server;
const posted: { text: string }[] = [];
let repo = "";
let dir = "";

beforeAll(async () => {
  slack = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      posted.push(JSON.parse(body) as { text: string });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => slack.listen(0, "127.0.0.1", r));
  dir = await mkdtemp(join(tmpdir(), "stratavore-plugin-int-"));
  await writeFile(
    join(dir, "broken.mjs"),
    // It fails on runner events only: the agent's own join (announced too) must not disable it
    // before the test has listed it enabled — on a busy machine that raced.
    `export default { name: "broken", setup: () => ({ onEvent: (e) => { if (e.event.startsWith("runner.")) throw new Error("cannot reach my backend"); } }) };`,
  );
  // Offers a model of its own and a dated spelling of a shipped one (which must not replace it).
  await writeFile(
    join(dir, "prices.mjs"),
    `export default { name: "prices", setup: () => ({ prices: () => [
      { model: "acme-coder-1", inputPerMTok: 4, outputPerMTok: 8 },
      { model: "claude-opus-5-20270101", inputPerMTok: 99, outputPerMTok: 99 },
    ] }) };`,
  );
  const config = join(dir, "plugins.json");
  await writeFile(
    config,
    JSON.stringify({
      "slack-webhook": {
        url: `http://127.0.0.1:${(slack.address() as AddressInfo).port}/hook`,
        events: ["runner.started", "runner.stopped"],
      },
    }),
  );
  repo = join(dir, "checkout");
  await mkdir(repo);
  execFileSync("git", ["init", "-q", "-b", "feature/login", repo]);
  h = await FleetHarness.start(
    await createScratchDatabase(inject("adminUrl"), "plugins"),
    {},
    {
      STRATAVORE_PLUGINS: [
        join(PLUGINS, "slack-webhook.ts"),
        join(PLUGINS, "git-branch-tag.ts"),
        join(dir, "broken.mjs"),
        join(dir, "prices.mjs"),
      ].join(","),
      STRATAVORE_PLUGIN_CONFIG: config,
    },
  );
  await h.startAgent(uniqueSlug("plug"));
}, 60_000);

afterAll(async () => {
  await h?.stop();
  slack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("plugins", () => {
  it("a plugin's prices add its models with cache prices derived from input, and never replace a shipped model's", async () => {
    const book = await h.api.prices.list();
    const row = (id: string) =>
      book.prices
        .filter((p) => p.modelPattern === id)
        .map((p) => [p.input, p.output, p.cacheWrite5m, p.cacheWrite1h, p.cacheRead]);
    expect(row("acme-coder-1")).toEqual([[4, 8, 5, 8, 0.4]]);
    expect(row("claude-opus-5")).toEqual([[5, 25, 6.25, 10, 0.5]]);
    expect(book.prices.some((p) => p.modelPattern.startsWith("claude-opus-5-"))).toBe(false);
  });

  it("the example plugins work and a throwing one is disabled and reported, never taking the server down", async () => {
    const listed = await h.api.plugins.list();
    expect(listed.map((p) => [p.name, p.enabled, p.hooks])).toEqual([
      ["slack-webhook", true, ["onEvent"]],
      ["git-branch-tag", true, ["beforeLaunch"]],
      ["broken", true, ["onEvent"]],
      ["prices", true, ["prices"]],
    ]);
    const project = await h.api.projects.create({ name: uniqueSlug("plug"), path: repo });
    const r = await h.api.runners.launch({ project: project.name, prompt: "hello" });
    expect(r.tags).toEqual(["branch:feature/login"]);
    await h.api.runners.stop({ id: r.id });

    // The Slack-compatible channel: started and stopped, each once, linked to the runner.
    const link = `${h.server.deps.config.publicUrl}/runners/${r.id}`;
    await waitFor(
      "two Slack posts",
      async () => (posted.filter((p) => p.text.includes(link)).length >= 2 ? true : null),
      20_000,
    );
    const mine = posted.filter((p) => p.text.includes(link));
    expect(mine).toHaveLength(2);
    expect(mine[0]!.text).toMatch(new RegExp(`^:information_source: <${link}\\|Runner .+ started> · ${project.name}$`));

    // The broken one: disabled at its first event, in the list and the audit log, and the server still serves.
    const broken = await waitFor("the broken plugin disabled", async () => {
      const b = (await h.api.plugins.list()).find((p) => p.name === "broken");
      return b && !b.enabled ? b : null;
    });
    expect(broken.error).toBe("onEvent: cannot reach my backend");
    // The list says so at once; the audit event is written after it (seen missing under load).
    const audited = await waitFor("the disabling audited", () =>
      h.db.event.findFirst({ where: { type: "plugin.disabled", entityId: "broken" } }),
    );
    expect(audited.data).toMatchObject({ error: "onEvent: cannot reach my backend" });
    const health = await fetch(`${h.server.url}/healthz`);
    expect(health.status).toBe(200);
    const again = await h.api.runners.launch({ project: project.name, prompt: "still fine" });
    expect(again.status).toBe("running");
    await h.api.runners.kill({ id: again.id });
  }, 60_000);
});
