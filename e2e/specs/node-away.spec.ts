import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { spawnAgent, type AgentProcess } from "@stratavore/server/testing";
import { baseUrl, login, mutate, query, uniqueName, workdir } from "../support/helpers";

/**
 * A runner whose node's agent dies keeps its status until the heartbeat limit says otherwise
 * (an agent that restarts comes back with its runners), so its page says the node is away —
 * live, from `node:status` — until the agent is back and says what became of the runner.
 */
test("a runner's page says when its node's agent is gone, until the agent is back", async ({ page }) => {
  const tmp = await mkdtemp(join(tmpdir(), "stratavore-node-away-"));
  const where = { home: join(tmp, "home"), dataDir: join(tmp, "data") };
  const name = uniqueName("away");
  const agents: AgentProcess[] = [];
  let nodeId = "";
  try {
    await login(page);
    const { secret } = await mutate<{ secret: string }>(page, "joinTokens.create", {});
    agents.push(await spawnAgent(baseUrl(), secret, name, where));
    await expect
      .poll(
        async () =>
          (await query<{ name: string; connected: boolean }[]>(page, "nodes.list", {})).find((n) => n.name === name)
            ?.connected,
        { timeout: 30_000 },
      )
      .toBe(true);
    const project = await mutate<{ name: string }>(page, "projects.create", {
      name: uniqueName("away"),
      path: workdir(),
    });
    const runner = await mutate<{ id: string; nodeId: string }>(page, "runners.launch", {
      project: project.name,
      node: name,
    });
    nodeId = runner.nodeId;

    await page.goto(`${baseUrl()}/runners/${runner.id}`);
    await expect(page.getByTestId("runner-status")).toHaveText("running");
    await expect(page.getByTestId("runner-node-away")).toHaveCount(0);

    agents[0]!.child.kill("SIGKILL");
    await agents[0]!.exited;
    const notice = page.getByTestId("runner-node-away");
    await expect(notice).toContainText(`Its node ${name} is not connected`, { timeout: 15_000 });
    await expect(page.getByTestId("runner-status")).toHaveText("running");

    // The same machine's agent again (its stored credential): claude died with its PTY, so the
    // agent no longer has the runner. It ends (failed, the node's doing) and the notice goes.
    agents.push(await spawnAgent(baseUrl(), secret, name, where));
    await expect(page.getByTestId("runner-status")).toHaveText("failed", { timeout: 30_000 });
    await expect(page.getByTestId("runner-why")).toContainText("agent restarted");
    await expect(notice).toHaveCount(0);
    // No restart left in the shared stack: stop cancels a waiting one, or stops one begun.
    await mutate(page, "runners.stop", { id: runner.id });
  } finally {
    for (const a of agents) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill("SIGTERM");
    await Promise.all(agents.map((a) => a.exited));
    // Its node leaves the shared stack's list of candidates for good.
    if (nodeId) await mutate(page, "nodes.revoke", { ref: nodeId }).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  }
});
