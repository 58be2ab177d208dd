import { writeFileSync, mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive, signalPids } from "@stratavore/runner";
import { FaultWorld, type Load, type WorldAgent } from "../testing/fault-world.ts";
import { waitFor } from "../testing/fleet-harness.ts";

/**
 * The fault-injection suite (`npm run test:faults`; also part of `npm test`). One installation
 * — server and embedded PostgreSQL as their own processes, two agents, one of them behind a TCP
 * proxy, on a 4 MB tmpfs and with a movable clock — and for each fault, three runners of the
 * fake claude writing a usage line every 100 ms each. After every fault the same four things
 * are asserted: no usage lost and none counted twice (the ledger equals an independent count
 * of the transcripts, rows and tokens), no orphan process (nothing left working in the
 * project's folder after a stop), every runner accounted for (each ends terminated, none
 * stuck lost/stopping), and — for faults that must not cost a runner its life — the same pids
 * and no restart used. Each scenario's figures go to test-results/faults.json and
 * docs/RELIABILITY.md.
 */
const BREAK_MS = 10_000;
let world: FaultWorld;
let alpha: WorldAgent;
let bravo: WorldAgent;
const figures: Record<string, unknown>[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  world = await FaultWorld.start();
  alpha = await world.addAgent("alpha");
  bravo = await world.addAgent("bravo", { proxy: true, tmpfsBytes: 4 * 1024 * 1024, movableClock: true });
}, 180_000);

afterAll(async () => {
  const out = resolve(import.meta.dirname, "../../../../test-results");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "faults.json"), JSON.stringify(figures, null, 2));
  for (const f of figures) console.log(`fault figures: ${JSON.stringify(f)}`);
  await world?.stop();
}, 60_000);

/**
 * Puts a load on `agent`, runs `fault` (it returns once the fault is over), then checks
 * recovery and the four invariants, and records the figures.
 */
async function scenario(
  name: string,
  agent: WorldAgent,
  fault: (load: Load) => Promise<void>,
  {
    keepsRunners = true,
    judgedLost = false,
  }: {
    keepsRunners?: boolean;
    /** The fault outlasts the heartbeat TTL: the runners must have been judged lost, then adopted back. */
    judgedLost?: boolean;
  } = {},
): Promise<void> {
  const load = await world.load(agent, 3);
  const started = Date.now();
  await fault(load);
  const over = Date.now();
  const atEnd = world.transcripts(load);

  if (keepsRunners) {
    const back = await waitFor(
      "every runner running again, same pid, no restart used",
      async () => {
        const rs = await Promise.all(load.runners.map((r) => world.api.runners.get.query({ id: r.id })));
        return rs.every((r, i) => r.status === "running" && r.pid === load.runners[i]!.pid && r.restartAttempts === 0)
          ? rs
          : null;
      },
      60_000,
      200,
    );
    expect(back).toHaveLength(3);
  }
  const runnersBackMs = Date.now() - over;
  if (judgedLost)
    for (const r of load.runners) {
      const types = (await world.api.runners.timeline.query({ id: r.id })).map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(["runner.lost", "runner.adopted"]));
    }
  await waitFor("the ledger caught up", async () => (await world.ledger(load)).messages >= atEnd.messages, 60_000, 100);
  const caughtUpMs = Date.now() - over;

  // Settle: stop everything, then the invariants.
  for (const r of load.runners) await world.api.runners.stop.mutate({ id: r.id }).catch(() => undefined);
  const ended = await waitFor(
    "every runner ended",
    async () => {
      const rs = await Promise.all(load.runners.map((r) => world.api.runners.get.query({ id: r.id })));
      return rs.every((r) => r.status === "terminated" || r.status === "failed") ? rs : null;
    },
    60_000,
    200,
  );
  await waitFor("no process left in the project's folder", () => world.orphans(load).length === 0, 15_000, 200);
  for (const r of load.runners) expect(isAlive(r.pid), `claude ${r.pid} still alive`).toBe(false);
  const transcripts = world.transcripts(load);
  await waitFor(
    "the ledger equal to the transcripts",
    async () => (await world.ledger(load)).messages === transcripts.messages,
    30_000,
    200,
  ).catch(() => undefined);
  const ledger = await world.ledger(load);
  expect(ledger).toEqual(transcripts);
  expect(world.orphans(load)).toEqual([]);
  if (keepsRunners) expect(ended.map((r) => r.status)).toEqual(["terminated", "terminated", "terminated"]);
  figures.push({
    scenario: name,
    faultSeconds: (over - started) / 1000,
    runnersBackSeconds: keepsRunners ? runnersBackMs / 1000 : null,
    ledgerCaughtUpSeconds: caughtUpMs / 1000,
    responses: ledger.messages,
    tokens: ledger.tokens,
    endStates: ended.map((r) => r.status),
  });
}

describe("the fault suite: no usage lost or doubled, no orphan, every runner accounted for", () => {
  it("kill -9 of the server, restarted after 3 s", async () => {
    await scenario("server kill -9", alpha, async () => {
      await world.killServer();
      await sleep(3000);
      await world.startServer();
    });
  }, 180_000);

  it("kill -9 of PostgreSQL while serving (the server restarts it)", async () => {
    await scenario("postgres kill -9", alpha, async () => {
      signalPids([world.postgresPids()[0]!], "SIGKILL");
      await waitFor(
        "database back",
        async () => (await fetch(`http://127.0.0.1:${world.port}/readyz`)).ok,
        60_000,
        100,
      );
    });
  }, 180_000);

  it("SIGSTOP of PostgreSQL for 10 s", async () => {
    await scenario("postgres SIGSTOP 10 s", alpha, async () => {
      const pids = world.postgresPids();
      signalPids(pids, "SIGSTOP");
      await sleep(BREAK_MS);
      signalPids(pids, "SIGCONT");
    });
  }, 180_000);

  it("SIGSTOP of an agent for 10 s (its runners are judged lost, then adopted back)", async () => {
    await scenario(
      "agent SIGSTOP 10 s",
      alpha,
      async () => {
        signalPids([alpha.process.child.pid!], "SIGSTOP");
        await sleep(BREAK_MS);
        signalPids([alpha.process.child.pid!], "SIGCONT");
      },
      { judgedLost: true },
    );
  }, 180_000);

  it("kill -9 of an agent, started again 1 s later (its runners end with it)", async () => {
    await scenario(
      "agent kill -9",
      alpha,
      async () => {
        await world.killAgent(alpha);
        await sleep(1000);
        await world.spawnAgentProcess(alpha);
      },
      { keepsRunners: false },
    );
  }, 180_000);

  it("a network partition between agent and server for 12 s, then 300 ms of latency each way for 8 s", async () => {
    await scenario(
      "network partition 12 s + 300 ms latency 8 s",
      bravo,
      async () => {
        bravo.proxy!.partition();
        await sleep(12_000);
        bravo.proxy!.heal();
        bravo.proxy!.delay(300);
        await sleep(8000);
        bravo.proxy!.delay(0);
      },
      { judgedLost: true },
    );
  }, 180_000);

  it("the agent's disk full for 10 s (spool and runner logs cannot be written)", async () => {
    await scenario("agent disk full 10 s", bravo, async (load) => {
      const free = await world.fillDisk(bravo);
      const during = (await world.ledger(load)).messages;
      await sleep(BREAK_MS);
      // Shipping went on from memory while nothing could be written.
      expect((await world.ledger(load)).messages).toBeGreaterThan(during);
      await free();
    });
    expect(bravo.process.log.join("")).toContain("writing the spool failed; shipping continues from memory");
  }, 180_000);

  it("the agent's clock jumps an hour ahead for 10 s, then back", async () => {
    await scenario("agent clock +1 h, then back", bravo, async () => {
      await writeFile(bravo.clockFile!, "+3600s\n");
      await sleep(BREAK_MS);
      await writeFile(bravo.clockFile!, "+0\n");
    });
  }, 180_000);
});
