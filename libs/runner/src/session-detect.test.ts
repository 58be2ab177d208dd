import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { projectTranscriptDir, transcriptPath } from "./claude-paths.ts";
import { listSessionIds, sessionBaseline, watchForNewSession } from "./session-detect.ts";
import { tempHome } from "./testing/helpers.ts";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";
const C = "33333333-3333-4333-8333-333333333333";
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup() {
  const t = tempHome();
  cleanups.push(t.cleanup);
  const configDir = `${t.home}/.claude`;
  const write = (id: string, ageMs = 0) => {
    const file = transcriptPath(configDir, t.cwd, id);
    writeFileSync(file, "{}\n", { flag: "a" });
    const when = new Date(Date.now() - ageMs);
    utimesSync(file, when, when);
  };
  return { ...t, configDir, write, mkdir: () => mkdirSync(projectTranscriptDir(configDir, t.cwd), { recursive: true }) };
}

describe("session detection", () => {
  it("lists the session transcripts of a cwd and nothing else", async () => {
    const s = setup();
    expect(await listSessionIds(s.configDir, s.cwd)).toEqual([]);
    s.mkdir();
    s.write(A);
    s.write(B);
    writeFileSync(`${projectTranscriptDir(s.configDir, s.cwd)}/notes.jsonl`, "");
    mkdirSync(`${projectTranscriptDir(s.configDir, s.cwd)}/${A}/subagents`, { recursive: true });
    expect((await listSessionIds(s.configDir, s.cwd)).sort()).toEqual([A, B]);
  });

  it("finds the transcript written after launch, skipping old and known ones", async () => {
    const s = setup();
    s.mkdir();
    s.write(A, 60_000); // an old session
    const since = Date.now();
    const found = watchForNewSession({ configDir: s.configDir, cwd: s.cwd, since, knownIds: [B], timeoutMs: 3000, pollMs: 20 });
    await new Promise((r) => setTimeout(r, 60));
    s.write(B); // another runner's session: known
    await new Promise((r) => setTimeout(r, 60));
    s.write(C);
    expect(await found).toBe(C);
  });

  it("also accepts an existing transcript that is appended to (a --continue)", async () => {
    const s = setup();
    s.mkdir();
    s.write(A, 60_000);
    const since = Date.now();
    const found = watchForNewSession({ configDir: s.configDir, cwd: s.cwd, since, knownIds: [], timeoutMs: 3000, pollMs: 20 });
    setTimeout(() => s.write(A), 50);
    expect(await found).toBe(A);
  });

  it("with a baseline, ignores a transcript written just before launch until it changes", async () => {
    const s = setup();
    s.mkdir();
    s.write(A); // mtime is "now": the mtime test alone would take it
    const since = Date.now();
    const baseline = sessionBaseline(s.configDir, s.cwd);
    expect([...baseline.keys()]).toEqual([A]);
    expect(await watchForNewSession({ configDir: s.configDir, cwd: s.cwd, since, baseline, knownIds: [], timeoutMs: 60, pollMs: 20 })).toBeNull();
    const found = watchForNewSession({ configDir: s.configDir, cwd: s.cwd, since, baseline, knownIds: [], timeoutMs: 3000, pollMs: 20 });
    setTimeout(() => s.write(A), 30);
    expect(await found).toBe(A);
  });

  it("gives up with null on timeout or abort", async () => {
    const s = setup();
    const since = Date.now();
    expect(await watchForNewSession({ configDir: s.configDir, cwd: s.cwd, since, knownIds: [], timeoutMs: 80, pollMs: 20 })).toBeNull();
    const ac = new AbortController();
    const pending = watchForNewSession({ configDir: s.configDir, cwd: s.cwd, since, knownIds: [], timeoutMs: 60_000, pollMs: 20, signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    expect(await pending).toBeNull();
  });
});
