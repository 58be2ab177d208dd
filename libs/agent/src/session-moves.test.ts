import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { RunnerSessionAck } from "@stratavore/contracts";
import { SessionMoves } from "./session-moves.ts";

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
