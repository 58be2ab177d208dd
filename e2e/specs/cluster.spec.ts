import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { expect, test, type Page } from "@playwright/test";
import { countTranscripts } from "../../apps/server/src/testing/transcript-count";
import { hostEnv, hostPath } from "../support/env";
import { uniqueName } from "../support/helpers";

/**
 * Past one machine: two server instances on one PostgreSQL behind a real HAProxy, two agents
 * connected through it (one on each instance). A browser and the CLI use only the balancer;
 * a launch is sent to instance 1 for a node whose agent is on instance 2; then instance 1 is
 * killed -9 under the browser. The cluster is e2e/support/cluster-stack.ts.
 */
interface Cluster {
  url: string;
  instances: { name: string; url: string; pid: number }[];
  databaseUrl: string;
  adminEmail: string;
  adminPassword: string;
  token: string;
  workdir: string;
  cli: string;
  agentHomes: Record<string, string>;
}

test.describe.configure({ timeout: 240_000 });

let child: ChildProcess | null = null;
let cluster: Cluster;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../support/cluster-stack.ts")], {
    cwd: join(import.meta.dirname, "../.."),
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...hostEnv(), NEXT_TELEMETRY_DISABLED: "1" },
  });
  cluster = await new Promise<Cluster>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the cluster did not start within 170 s")), 170_000);
    child!.once("exit", (code) => reject(new Error(`the cluster exited early (code ${code})`)));
    createInterface({ input: child!.stdout! }).on("line", (line) => {
      if (!line.startsWith("READY ")) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(6)) as Cluster);
    });
  });
});

test.afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((resolve) => child!.once("exit", resolve));
});

async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = await mkdtemp(join(tmpdir(), "stratavore-cluster-cli-"));
  const p = spawn(process.execPath, [cluster.cli, ...args], {
    env: {
      PATH: hostPath(),
      HOME: home,
      STRATAVORE_SERVER: cluster.url,
      STRATAVORE_TOKEN: cluster.token,
    } as unknown as NodeJS.ProcessEnv,
  });
  let stdout = "";
  let stderr = "";
  p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => p.once("exit", r));
  await rm(home, { recursive: true, force: true });
  return { code, stdout, stderr };
}

async function cliOk(args: string[]): Promise<void> {
  const r = await cli(args);
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
}

async function cliJson<T>(args: string[]): Promise<T> {
  const r = await cli([...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** One tRPC mutation sent to one instance directly (not through the balancer). */
async function mutateOn<T>(instanceUrl: string, path: string, input: unknown): Promise<T> {
  const res = await fetch(`${instanceUrl}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${cluster.token}` },
    body: JSON.stringify({ json: input }),
  });
  const body = await res.text();
  expect(res.ok, body).toBe(true);
  return (JSON.parse(body) as { result: { data: { json: T } } }).result.data.json;
}

async function typeLine(page: Page, text: string) {
  const terminal = page.getByTestId("runner-terminal");
  await terminal.click();
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
  await expect(terminal.locator(".xterm-rows")).toContainText(`echo: ${text}`, { timeout: 30_000 });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("HAProxy in front of 2 instances: a launch via instance 1 runs on instance 2's agent; kill -9 of instance 1 keeps the page live, the runners and their pids, and every token", async ({
  browser,
}) => {
  const db = new pg.Client({ connectionString: cluster.databaseUrl });
  await db.connect();
  try {
    const holders = async () =>
      (
        await db.query<{ name: string; url: string }>(
          `SELECT n.name, s.url FROM "Node" n JOIN "ServerInstance" s ON s.id = n."agentInstanceId"`,
        )
      ).rows;
    const [s1, s2] = cluster.instances as [Cluster["instances"][0], Cluster["instances"][0]];
    const byUrl = new Map((await holders()).map((h) => [h.url, h.name]));
    const onS1 = byUrl.get(s1.url);
    const onS2 = byUrl.get(s2.url);
    const where = async () =>
      JSON.stringify({
        instances: cluster.instances,
        nodes: (await db.query(`SELECT name, status, "agentInstanceId" FROM "Node"`)).rows,
        rows: (await db.query(`SELECT id, url, leader, "beatAt" FROM "ServerInstance"`)).rows,
      });
    expect(onS1, await where()).toBeTruthy();
    expect(onS2, await where()).toBeTruthy();

    const name = uniqueName("cluster");
    await cliOk(["projects", "create", name, "--path", cluster.workdir]);
    // Sent to instance 1; the agent that must run it is connected to instance 2.
    const r2 = await mutateOn<{ id: string; status: string }>(s1.url, "runners.launch", { project: name, node: onS2 });
    // Through the balancer, onto instance 1's agent.
    const r1 = await cliJson<{ id: string }>(["launch", name, "--node", onS1!]);

    // A browser pinned to instance 1 by HAProxy's stickiness cookie, watching the runner on instance 2.
    const ctx = await browser.newContext();
    await ctx.addCookies([{ name: "STRATAVORE_SERVER", value: "s1", url: cluster.url }]);
    const page = await ctx.newPage();
    await page.goto(`${cluster.url}/login`);
    await page.getByLabel("Email").fill(cluster.adminEmail);
    await page.getByLabel("Password").fill(cluster.adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await page.goto(`${cluster.url}/runners/${r2.id}`);
    await expect(page.getByTestId("live-state")).toHaveText("● Live");
    await expect(page.getByTestId("runner-status")).toHaveText("running", { timeout: 20_000 });
    // The screen so far comes from instance 2 (it holds the agent); keys go back the same way.
    await expect(page.getByTestId("runner-terminal").locator(".xterm-rows")).toContainText(
      "Welcome to Fake Claude Code",
    );
    await typeLine(page, "typed on instance 1");
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));

    type Shown = { id: string; status: string; pid: number | null };
    const before = await Promise.all([r1.id, r2.id].map((id) => cliJson<Shown>(["runners", "show", id])));
    for (const r of before) expect(r).toMatchObject({ status: "running", pid: expect.any(Number) });

    process.kill(s1.pid, "SIGKILL");

    // The page finds instance 2 through the balancer and keeps working, without a reload.
    await typeLine(page, "typed after instance 1 died");
    await expect(page.getByTestId("live-state")).toHaveText("● Live");
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7);
    // Instance 1's agent reconnected through the balancer to instance 2.
    await expect
      .poll(async () => (await holders()).map((h) => h.url).sort(), { timeout: 30_000 })
      .toEqual([s2.url, s2.url]);
    // Instance 2 took the leader's lock (instance 1 held it: it started first) and runs the reconciler.
    await expect
      .poll(
        async () =>
          (await db.query<{ url: string }>(`SELECT url FROM "ServerInstance" WHERE leader`)).rows.map((r) => r.url),
        { timeout: 30_000 },
      )
      .toEqual([s2.url]);
    // The runners kept running: same processes, still running on the server's books.
    const after = await Promise.all([r1.id, r2.id].map((id) => cliJson<Shown>(["runners", "show", id])));
    expect(after.map((r) => [r.status, r.pid])).toEqual(before.map((r) => ["running", r.pid]));
    for (const r of after) expect(alive(r.pid!)).toBe(true);

    // The CLI through the balancer, and Settings, tell the same: instance 2 alone, leading, holding both agents.
    const overview = await cliJson<{ instances: { url: string; alive: boolean; leader: boolean; agents: number }[] }>([
      "admin",
      "instances",
    ]);
    expect(overview.instances.filter((i) => i.alive).map((i) => [i.url, i.leader, i.agents])).toEqual([
      [s2.url, true, 2],
    ]);
    const settings = await ctx.newPage();
    await settings.goto(`${cluster.url}/settings`);
    const instances = settings.getByTestId("server-instances");
    await expect(instances.getByRole("row").filter({ hasText: s2.url })).toContainText("leader");
    await expect(instances.getByRole("row").filter({ hasText: "leader" })).toHaveCount(1);
    await settings.close();
    // A stop through the balancer reaches the page live.
    await cliOk(["stop", r2.id]);
    await expect(page.getByTestId("runner-status")).toHaveText("terminated", { timeout: 20_000 });
    await cliOk(["stop", r1.id]);
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(7);

    // No usage lost: the ledger equals what the transcripts on both nodes say, counted independently.
    const spent = Object.values(cluster.agentHomes)
      .map((home) => countTranscripts(join(home, ".claude", "projects")))
      .reduce((a, b) => ({ messages: a.messages + b.messages, tokens: a.tokens + b.tokens }));
    expect(spent.tokens).toBeGreaterThan(0);
    await expect
      .poll(
        async () =>
          (await cliJson<{ totals: { totalTokens: number } }>(["usage", "--project", name, "--by", "project"])).totals
            .totalTokens,
        { timeout: 30_000 },
      )
      .toBe(spent.tokens);
    await ctx.close();
  } finally {
    await db.end();
  }
});
