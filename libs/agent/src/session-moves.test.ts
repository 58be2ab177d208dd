import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { RunnerSessionAck } from "@stratavore/contracts";
import { REFUSALS_KEPT_MS, SessionMoves } from "./session-moves.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const settle = () => new Promise((r) => setTimeout(r, 0));

/** This test process stands in for claude: its own pid and start time, as claude writes them. */
async function claudeSays(configDir: string, sessionId: string, procStart?: string): Promise<void> {
  const stat = await readFile("/proc/self/stat", "utf8");
  const start = procStart ?? stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  await mkdir(join(configDir, "sessions"), { recursive: true });
  await writeFile(
    join(configDir, "sessions", `${process.pid}.json`),
    JSON.stringify({ pid: process.pid, sessionId, procStart: start }),
  );
}

it("two moves while the server does not answer: the newer report names both sessions left, both stay held until it is answered; a record that is not claude's (another process, no session id) moves nothing", async () => {
  const configDir = await mkdtemp(join(tmpdir(), "stratavore-moves-"));
  dirs.push(configDir);
  const [runner, s1, s2, s3] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const asked: { sessionId: string; left: string[] }[] = [];
  let answer: RunnerSessionAck = { ok: false, code: "DISCONNECTED", message: "not connected" };
  const tracked: string[] = [];
  const moves = new SessionMoves(
    configDir,
    async (r) => {
      asked.push({ sessionId: r.sessionId, left: r.left });
      return answer;
    },
    () => undefined,
    (_, sessionId) => tracked.push(sessionId),
  );
  moves.launched(runner, process.pid, s1);
  await settle();
  expect(asked).toEqual([{ sessionId: s1, left: [] }]);

  await claudeSays(configDir, "../../etc/passwd");
  await moves.look();
  await claudeSays(configDir, s2, "1"); // left by an earlier process with this pid
  await moves.look();
  expect(tracked).toEqual([]);

  await claudeSays(configDir, s2);
  await moves.look();
  await settle();
  await claudeSays(configDir, s3);
  await moves.look();
  await settle();
  expect(tracked).toEqual([s2, s3]);
  expect([moves.state(runner, s1), moves.state(runner, s2), moves.state(runner, s3)]).toEqual(["ship", "hold", "hold"]);
  expect(asked.at(-1)).toEqual({ sessionId: s3, left: [s1, s2] });

  answer = { ok: true };
  moves.retry();
  await settle();
  expect(asked.at(-1)).toEqual({ sessionId: s3, left: [s1, s2] });
  expect([moves.state(runner, s2), moves.state(runner, s3)]).toEqual(["ship", "ship"]);
  expect(moves.pending()).toBe(0);
});

it("a refused session is set aside and never named again, so the runner's later moves still go through", async () => {
  const configDir = await mkdtemp(join(tmpdir(), "stratavore-moves-"));
  dirs.push(configDir);
  const [runner, s1, s2, s3] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const asked: { sessionId: string; left: string[] }[] = [];
  const moves = new SessionMoves(
    configDir,
    async (r) => {
      asked.push({ sessionId: r.sessionId, left: r.left });
      return r.sessionId === s2
        ? { ok: false, code: "SESSION_REFUSED", message: "Only a new session can be moved into." }
        : { ok: true };
    },
    () => undefined,
    () => undefined,
  );
  moves.launched(runner, process.pid, s1);
  await claudeSays(configDir, s2);
  await moves.look();
  await settle();
  expect(moves.state(runner, s2)).toBe("drop");
  await claudeSays(configDir, s3);
  await moves.look();
  await settle();
  expect(asked.at(-1)).toEqual({ sessionId: s3, left: [s1] });
  expect([moves.state(runner, s1), moves.state(runner, s2), moves.state(runner, s3)]).toEqual(["ship", "drop", "ship"]);
});

it("a move unanswered when the agent stops is said again by the next agent as an earlier run's, and its usage waits for that answer; likewise when the runner is launched again", async () => {
  const configDir = await mkdtemp(join(tmpdir(), "stratavore-moves-"));
  dirs.push(configDir);
  const stateFile = join(configDir, "agent", "session-moves.json");
  const [runner, s1, s2] = [randomUUID(), randomUUID(), randomUUID()];
  const asked: { sessionId: string; left: string[]; past?: boolean }[] = [];
  let answer: RunnerSessionAck = { ok: false, code: "DISCONNECTED", message: "not connected" };
  const ask = async (r: { sessionId: string; left: string[]; past?: boolean }) => {
    asked.push({ sessionId: r.sessionId, left: r.left, ...(r.past ? { past: true } : {}) });
    return answer;
  };
  const first = new SessionMoves(
    configDir,
    ask,
    () => undefined,
    () => undefined,
    stateFile,
  );
  first.load();
  first.launched(runner, process.pid, s1);
  await claudeSays(configDir, s2);
  await first.look();
  await settle();
  expect(first.state(runner, s2)).toBe("hold");

  // The agent stops here; the next one starts.
  const next = new SessionMoves(
    configDir,
    ask,
    () => undefined,
    () => undefined,
    stateFile,
  );
  next.load();
  expect(next.state(runner, s2)).toBe("hold");
  await settle();
  expect(asked.at(-1)).toEqual({ sessionId: s2, left: [s1], past: true });
  answer = { ok: true };
  next.retry();
  await settle();
  expect(next.state(runner, s2)).toBe("ship");
  expect(JSON.parse(await readFile(stateFile, "utf8"))).toEqual({});

  // The runner launched again before a move was answered: the move goes as the earlier run's,
  // beside the new run's own report, which is about its launch session only.
  answer = { ok: false, code: "DISCONNECTED", message: "not connected" };
  const s3 = randomUUID();
  next.launched(runner, process.pid, s2);
  await claudeSays(configDir, s3);
  await next.look();
  await settle();
  next.launched(runner, undefined, s2);
  await settle();
  expect(asked.slice(-2)).toEqual(
    expect.arrayContaining([
      { sessionId: s3, left: [s2], past: true },
      { sessionId: s2, left: [] },
    ]),
  );
  expect(next.state(runner, s3)).toBe("hold");
  answer = { ok: true };
  next.retry();
  await settle();
  expect(next.state(runner, s3)).toBe("ship");
  expect(next.pending()).toBe(0);
});

it("a report refused for one of its sessions sets only that one aside; the others are said again and released once answered", async () => {
  const configDir = await mkdtemp(join(tmpdir(), "stratavore-moves-"));
  dirs.push(configDir);
  const [runner, s1, s2, s3] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const asked: { sessionId: string; left: string[]; past?: boolean }[] = [];
  let up = false;
  const moves = new SessionMoves(
    configDir,
    async (r) => {
      asked.push({ sessionId: r.sessionId, left: r.left, ...(r.past ? { past: true } : {}) });
      if (!up) return { ok: false, code: "DISCONNECTED", message: "not connected" };
      return r.sessionId === s3 || r.left.includes(s3)
        ? { ok: false, code: "SESSION_REFUSED", message: "Only a new session can be moved into.", sessions: [s3] }
        : { ok: true };
    },
    () => undefined,
    () => undefined,
  );
  moves.launched(runner, process.pid, s1);
  for (const s of [s2, s3]) {
    await claudeSays(configDir, s);
    await moves.look();
    await settle();
  }
  expect([moves.state(runner, s2), moves.state(runner, s3)]).toEqual(["hold", "hold"]);
  up = true;
  moves.retry();
  await settle();
  await settle();
  expect(asked).toContainEqual({ sessionId: s3, left: [s1, s2] });
  expect(asked.at(-1)).toEqual({ sessionId: s2, left: [], past: true });
  expect([moves.state(runner, s2), moves.state(runner, s3)]).toEqual(["ship", "drop"]);
  expect(moves.pending()).toBe(0);
});

it("a runner's refusals are kept while it runs and for a week after it ends; then the state file forgets them", async () => {
  const configDir = await mkdtemp(join(tmpdir(), "stratavore-moves-"));
  dirs.push(configDir);
  const stateFile = join(configDir, "session-moves.json");
  const [runner, other, s1, s2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const start = Date.parse("2026-12-01T00:00:00Z");
  let now = start;
  const clock = () => now;
  const refusing = async () => ({ ok: false as const, code: "SESSION_REFUSED" as const, message: "refused" });
  const agent = () =>
    new SessionMoves(
      configDir,
      refusing,
      () => undefined,
      () => undefined,
      stateFile,
      clock,
    );
  const saved = () => readFile(stateFile, "utf8").then((t) => JSON.parse(t) as Record<string, { refused: string[] }>);
  /** Another runner refused a move (into the session this process says it is in): the file is written. */
  const anotherRefusal = async (moves: SessionMoves) => {
    moves.launched(other, process.pid, randomUUID());
    await moves.look();
    await settle();
    moves.ended(other);
  };
  const moves = agent();
  moves.launched(runner, process.pid, s1);
  await claudeSays(configDir, s2);
  await moves.look();
  await settle();
  expect(moves.state(runner, s2)).toBe("drop");
  expect((await saved())[runner]?.refused).toEqual([s2]);

  // Running for over a week: still set aside (its claude may still write that session).
  now = start + REFUSALS_KEPT_MS + 60_000;
  await anotherRefusal(moves);
  expect(Object.keys(await saved())).toEqual(expect.arrayContaining([runner, other]));
  expect(moves.state(runner, s2)).toBe("drop");
  // Ended more than a week after its refusal: still kept while its last lines are read (the
  // week counts from its end), forgotten at the first write a week after.
  moves.ended(runner);
  // Written at once: an agent restarting now still counts the week from this end.
  expect((await saved())[runner]).toMatchObject({ refused: [s2], at: now });
  await anotherRefusal(moves);
  expect(moves.state(runner, s2)).toBe("drop");
  expect((await saved())[runner]?.refused).toEqual([s2]);
  now += REFUSALS_KEPT_MS + 60_000;
  await anotherRefusal(moves);
  expect((await saved())[runner]).toBeUndefined();
  expect(moves.state(runner, s2)).toBe("ship");

  // The next agent keeps a refusal of a runner that ended within the week, and drops it after.
  now = start;
  const first = agent();
  first.launched(runner, process.pid, s1);
  await first.look();
  await settle();
  first.ended(runner);
  now = start + REFUSALS_KEPT_MS - 60_000;
  const within = agent();
  within.load();
  expect(within.state(runner, s2)).toBe("drop");
  expect((await saved())[runner]?.refused).toEqual([s2]);
  now = start + REFUSALS_KEPT_MS + 60_000;
  const after = agent();
  after.load();
  expect(after.state(runner, s2)).toBe("ship");
  expect((await saved())[runner]).toBeUndefined();
});
