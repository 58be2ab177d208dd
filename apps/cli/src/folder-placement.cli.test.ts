import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { expectFailure } from "./testing/cli-assertions.ts";
import { FakeAgent } from "./testing/fake-agent.ts";
import { CliHarness, type Issued } from "./testing/cli-harness.ts";

/**
 * Placement by where a project is checked out, end to end through the CLI against the real
 * server (its own process, so only this file's nodes are online): two nodes answer which
 * folders they have, a third (as an agent of an earlier release) cannot say.
 */
let h: CliHarness;
let operator: Issued;
let admin: Issued;
const agents: FakeAgent[] = [];
let has: FakeAgent;
let lacks: FakeAgent;
const HERE = "/srv/checked-out";

const cli = (args: string[]) => h.runAs(operator, args);
const json = <T>(args: string[]) => h.jsonAs<T>(operator, args);

async function join(name: string, folders?: ((path: string) => boolean) | "silent"): Promise<FakeAgent> {
  const { secret } = await h.jsonAs<{ secret: string }>(admin, ["join-token", "create"]);
  const agent = await FakeAgent.join(h.server.url, secret, uniqueSlug(name), [], { folders });
  agents.push(agent);
  return agent;
}

async function project(path: string): Promise<string> {
  const name = uniqueSlug("folder");
  expect((await cli(["projects", "create", name, "--path", path])).code).toBe(0);
  return name;
}

interface Folder {
  path: string;
  nodes: { name: string; present: boolean | null }[];
}
const byName = (f: Folder) => Object.fromEntries(f.nodes.map((n) => [n.name, n.present]));

beforeAll(async () => {
  h = await CliHarness.start(workerDatabase(inject("databaseUrls")));
  [operator, admin] = await Promise.all([h.issue("operator"), h.issue("admin")]);
  has = await join("has-folder", (p) => p === HERE);
  lacks = await join("lacks-folder", () => false);
});

afterAll(async () => {
  for (const a of agents) a.close();
  await h?.stop();
});

describe("placement by the project's folder", () => {
  it("`projects folder` says, per online node, whether the folder is there", async () => {
    const name = await project(HERE);
    const folder = await json<Folder>(["projects", "folder", name]);
    expect(folder.path).toBe(HERE);
    expect(byName(folder)).toEqual({ [has.nodeName]: true, [lacks.nodeName]: false });
    const table = (await cli(["projects", "folder", name])).stdout;
    expect(table).toMatch(new RegExp(`^${has.nodeName}\\s+present$`, "m"));
    expect(table).toMatch(new RegExp(`^${lacks.nodeName}\\s+missing$`, "m"));
    expect(table).not.toContain("On no online node");
  });

  it("launches that name no node go only where the folder is, however loaded that node is", async () => {
    const name = await project(HERE);
    const placed: string[] = [];
    // The node without the folder is the less loaded one after the first launch: placement
    // alone would send the next launches there.
    for (let i = 0; i < 3; i++) placed.push((await json<{ nodeName: string }>(["launch", name])).nodeName);
    expect(placed).toEqual([has.nodeName, has.nodeName, has.nodeName]);
    expect(lacks.launches).toEqual([]);
    for (const r of await json<{ id: string }[]>(["runners", "--project", name]))
      expect((await cli(["stop", r.id])).code).toBe(0);
  });

  it("a project checked out on no online node is refused before any runner is made, saying where it looked", async () => {
    const name = await project("/srv/nowhere");
    expectFailure(
      await cli(["launch", name]),
      6,
      "PATH_MISSING",
      new RegExp(
        `The folder /srv/nowhere exists on none of the online nodes that could run it \\((${has.nodeName}, ${lacks.nodeName}|${lacks.nodeName}, ${has.nodeName})\\)\\.$`,
      ),
    );
    expect(await json<unknown[]>(["runners", "--project", name])).toEqual([]);
    expect((await cli(["projects", "folder", name])).stdout).toContain(
      "On no online node: launches and resumes are refused (PATH_MISSING)",
    );
  });

  it("a move to a node without the folder is refused before the runner is stopped", async () => {
    const name = await project(HERE);
    const runner = await json<{ id: string; nodeName: string }>(["launch", name]);
    expect(runner.nodeName).toBe(has.nodeName);
    expectFailure(
      await cli(["runner", "move", runner.id, "--node", lacks.nodeName]),
      6,
      "PATH_MISSING",
      new RegExp(`The folder ${HERE} does not exist on ${lacks.nodeName}; nothing was stopped\\.$`),
    );
    // Without a target, the only other node is the one without it.
    expectFailure(
      await cli(["runner", "move", runner.id]),
      6,
      "PATH_MISSING",
      new RegExp(
        `The folder ${HERE} is on none of the other online nodes with room \\(${lacks.nodeName}\\); nothing was stopped\\.$`,
      ),
    );
    expect((await json<{ status: string }>(["runner", "show", runner.id])).status).toBe("running");
    expect(has.signals.filter((s) => s.runnerId === runner.id)).toEqual([]);
    expect((await cli(["stop", runner.id])).code).toBe(0);
  });

  it("a node whose agent cannot say stays a candidate: it is asked at launch, as before", async () => {
    const silent = await join("cannot-say");
    const name = await project("/srv/nowhere-else");
    expect(byName(await json<Folder>(["projects", "folder", name]))).toEqual({
      [has.nodeName]: false,
      [lacks.nodeName]: false,
      [silent.nodeName]: null,
    });
    expect((await cli(["projects", "folder", name])).stdout).toMatch(
      new RegExp(`^${silent.nodeName}\\s+unknown \\(the agent cannot say\\)$`, "m"),
    );
    const launched = await json<{ nodeName: string }>(["launch", name]);
    expect(launched.nodeName).toBe(silent.nodeName);
    expect(silent.launches).toHaveLength(1);
  });

  it("a node that says it can answer but does not within 2 s is unknown, not missing: still a candidate", async () => {
    const mute = await join("mute", "silent");
    const name = await project("/srv/nowhere-at-all");
    const started = Date.now();
    const folder = byName(await json<Folder>(["projects", "folder", name]));
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(folder[mute.nodeName]).toBeNull();
    expect([folder[has.nodeName], folder[lacks.nodeName]]).toEqual([false, false]);
    // Not refused: the nodes that cannot say are still tried.
    const launched = await json<{ nodeName: string }>(["launch", name]);
    expect([has.nodeName, lacks.nodeName]).not.toContain(launched.nodeName);
  });
});
