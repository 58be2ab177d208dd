import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PluginEvent } from "@stratavore/contracts";
import { PluginHost } from "./plugin-host.ts";

/** Plugins as plain modules on disk, loaded by path the way STRATAVORE_PLUGINS names them. */
/** A plain launch, as the launch service asks the hooks about it. */
const LAUNCH = { project: { id: "p", name: "w", path: "/" }, model: null, prompt: null, flags: [], pooled: false };
let dir = "";
const module = (name: string, body: string) => writeFile(join(dir, `${name}.mjs`), body);

afterAll(() => rm(dir, { recursive: true, force: true }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "stratavore-plugins-"));
  await module(
    "good",
    `export const seen = [];
     export default { name: "good", version: "2.0.0", setup: ({ config }) => ({
       onEvent: (e) => { seen.push(e.event); },
       beforeLaunch: () => ({ extraArgs: ["--verbose"], tags: ["from:" + config.who], mcpServers: { docs: { command: "docs-mcp" } } }),
       classify: (r) => (r.activityLine === "spinning" ? { watchdog: "stalled", detail: "spinning forever" } : null),
       prices: () => [{ model: "acme-coder-1", inputPerMTok: 1, outputPerMTok: 2 }],
     }) };`,
  );
  await module(
    "configured",
    `import { z } from "zod";
     export default { name: "configured", configSchema: z.object({ url: z.url() }), setup: () => ({}) };`,
  );
  await module(
    "explodes",
    `export default { name: "explodes", setup: () => { throw new Error("no database for me"); } };`,
  );
  await module("not-a-plugin", `export default { hello: "world" };`);
  await module(
    "flaky",
    `let n = 0; export default { name: "flaky", setup: () => ({ onEvent: () => { if (++n === 2) throw new Error("second event broke me"); } }) };`,
  );
  await module(
    "slow",
    `export default { name: "slow", setup: () => ({ beforeLaunch: () => new Promise(() => {}) }) };`,
  );
  await module(
    "shapeless",
    `export default { name: "shapeless", setup: () => ({ beforeLaunch: () => ({ extraArgs: "--verbose" }), prices: () => "free" }) };`,
  );
});

const event = (n: number): PluginEvent => ({
  seq: n,
  event: "runner.started",
  severity: "info",
  title: `Runner ${n} started`,
  url: null,
  project: null,
  entity: { type: "runner", id: null },
  occurredAt: new Date(0).toISOString(),
  data: {},
});

const load = (specs: string[], configs: Record<string, unknown> = {}) => {
  const disabled: string[] = [];
  return PluginHost.load(specs, configs, {
    cwd: dir,
    log: () => undefined,
    onDisabled: (s) => disabled.push(`${s.name}: ${s.error}`),
    timeoutMs: 200,
  }).then((host) => ({ host, disabled }));
};

describe("PluginHost", () => {
  it("loads plugins by path, and lists the ones that fail to load as disabled with why, loading the rest", async () => {
    const { host, disabled } = await load(
      ["./good.mjs", "./configured.mjs", "./explodes.mjs", "./not-a-plugin.mjs", "./missing.mjs", "./good.mjs"],
      { good: { who: "tests" }, configured: { url: "not a url" } },
    );
    const list = host.list();
    expect(list.map((p) => [p.name, p.enabled])).toEqual([
      ["good", true],
      ["configured", false],
      ["explodes", false],
      ["./not-a-plugin.mjs", false],
      ["./missing.mjs", false],
      ["good", false],
    ]);
    expect(list[0]).toMatchObject({ version: "2.0.0", hooks: ["onEvent", "beforeLaunch", "classify", "prices"] });
    expect(list[1]!.error).toMatch(/^its config is invalid: url: /);
    expect(list[2]!.error).toBe("no database for me");
    expect(list[3]!.error).toMatch(/not a plugin/);
    expect(list[5]!.error).toMatch(/already loaded/);
    expect(disabled).toHaveLength(5);
  });

  it("merges launch additions (MCP servers included), and answers classify and prices", async () => {
    const { host } = await load(["./good.mjs"], { good: { who: "a" } });
    const launch = {
      project: { id: "p", name: "web", path: "/w" },
      model: null,
      prompt: null,
      flags: [],
      pooled: false,
    };
    expect(await host.beforeLaunch(launch)).toEqual({
      extraArgs: ["--verbose"],
      tags: ["from:a"],
      mcpServers: { docs: { command: "docs-mcp" } },
    });
    const runner = { id: "r", projectName: "web", activity: "working", activityLine: "spinning", activityAt: null };
    expect(await host.classify(runner)).toEqual({ watchdog: "stalled", detail: "spinning forever", plugin: "good" });
    expect(await host.classify({ ...runner, activityLine: "fine" })).toBeNull();
    expect(await host.prices()).toEqual([{ model: "acme-coder-1", inputPerMTok: 1, outputPerMTok: 2 }]);
  });

  it("disables a plugin whose hook throws or hangs, and goes on with the others", async () => {
    const { host, disabled } = await load(["./flaky.mjs", "./good.mjs", "./slow.mjs"], { good: { who: "b" } });
    const good = (await import(join(dir, "good.mjs"))) as { seen: string[] };
    const before = good.seen.length;
    await host.emit([event(1), event(2), event(3)]);
    expect(good.seen.length - before).toBe(3);
    expect(host.list().find((p) => p.name === "flaky")).toMatchObject({
      enabled: false,
      error: "onEvent: second event broke me",
    });
    // The hanging hook costs one time limit, then its plugin is off; the launch goes on.
    const t0 = Date.now();
    const added = await host.beforeLaunch(LAUNCH);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(added.tags).toEqual(["from:b"]);
    expect(host.list().find((p) => p.name === "slow")).toMatchObject({
      enabled: false,
      error: "beforeLaunch: beforeLaunch took longer than 200 ms",
    });
    expect(disabled).toEqual([
      "flaky: onEvent: second event broke me",
      "slow: beforeLaunch: beforeLaunch took longer than 200 ms",
    ]);
  });

  it("disables a plugin whose answer has the wrong shape instead of passing it on", async () => {
    const { host } = await load(["./shapeless.mjs"]);
    const added = await host.beforeLaunch(LAUNCH);
    expect(added).toEqual({ extraArgs: [], mcpServers: {}, tags: [] });
    expect(host.list()[0]).toMatchObject({ enabled: false });
    expect(host.list()[0]!.error).toMatch(/^beforeLaunch: it answered what a beforeLaunch hook may not/);
    expect(await host.prices()).toEqual([]);
  });

  it("a folder stands for every plugin module in it, in name order", async () => {
    const folder = join(dir, "folder");
    await mkdir(folder);
    await writeFile(join(folder, "b.mjs"), `export default { name: "from-b", setup: () => ({}) };`);
    await writeFile(join(folder, "a.mjs"), `export default { name: "from-a", setup: () => ({}) };`);
    await writeFile(join(folder, "notes.txt"), "not a plugin");
    const { host } = await load(["./folder"]);
    expect(host.list().map((p) => [p.name, p.enabled])).toEqual([
      ["from-a", true],
      ["from-b", true],
    ]);
  });
});
