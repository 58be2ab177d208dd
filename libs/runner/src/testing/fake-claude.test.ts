import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { transcriptPath } from "../claude-paths.ts";
import { listSessionIds } from "../session-detect.ts";
import { FAKE_CLAUDE, fakeEnv, runFakeClaude, tempHome, waitFor } from "./helpers.ts";

const ID = "6a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d";
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

interface Line {
  type: string;
  uuid?: string;
  parentUuid?: string | null;
  sessionId?: string;
  requestId?: string;
  message?: { id?: string; content: unknown; usage?: { output_tokens: number; cache_creation: { ephemeral_5m_input_tokens: number } } };
}

function setup() {
  const t = tempHome();
  cleanups.push(t.cleanup);
  const read = (id: string): Line[] =>
    readFileSync(transcriptPath(`${t.home}/.claude`, t.cwd, id), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Line);
  return { ...t, read, run: (...args: string[]) => runFakeClaude(args, t.cwd, t.home) };
}

describe("fake claude transcripts", () => {
  it("writes every second response as two lines sharing message.id and requestId, the last one complete", () => {
    const s = setup();
    s.run("-p", "--session-id", ID, "one");
    s.run("-p", "--resume", ID, "two");
    const assistant = s.read(ID).filter((l) => l.type === "assistant");
    expect(assistant).toHaveLength(3);
    const [first, partial, final] = assistant;
    expect(first!.message!.id).not.toBe(partial!.message!.id);
    expect(partial!.message!.id).toBe(final!.message!.id);
    expect(partial!.requestId).toBe(final!.requestId);
    expect(final!.message!.usage!.output_tokens).toBeGreaterThan(partial!.message!.usage!.output_tokens);
    const chain = s.read(ID).filter((l) => l.uuid);
    expect(chain.every((l, i) => i === 0 ? l.parentUuid === null : l.parentUuid === chain[i - 1]!.uuid)).toBe(true);
  });

  it("forks into a new file with the parent's message ids but fresh uuids", async () => {
    const s = setup();
    s.run("-p", "--session-id", ID, "one");
    expect(s.run("-p", "--resume", ID, "--fork-session", "--output-format", "json", "branch")).toContain('"is_error":false');
    const ids = await listSessionIds(`${s.home}/.claude`, s.cwd);
    const child = ids.find((id) => id !== ID)!;
    const parent = s.read(ID);
    const forked = s.read(child);
    expect(parent).toHaveLength(3);
    expect(forked.slice(0, 3).map((l) => l.message?.id)).toEqual(parent.map((l) => l.message?.id));
    expect(forked.filter((l) => l.uuid).every((l) => l.sessionId === child && !parent.some((p) => p.uuid === l.uuid))).toBe(true);
    expect(forked.at(-1)!.message!.content).toEqual([{ type: "text", text: "echo: branch" }]);
  });

  it("emits usage lines on a timer when FAKE_CLAUDE_USAGE_EVERY_MS is set", async () => {
    const s = setup();
    const child = spawn(FAKE_CLAUDE, ["--session-id", ID], { cwd: s.cwd, env: fakeEnv(s.home, { FAKE_CLAUDE_USAGE_EVERY_MS: "30" }) as unknown as NodeJS.ProcessEnv, stdio: ["pipe", "ignore", "ignore"] });
    cleanups.unshift(() => void child.kill("SIGKILL"));
    await waitFor(() => {
      try {
        return s.read(ID).filter((l) => l.type === "assistant").length >= 3;
      } catch {
        return false;
      }
    }, "three usage lines");
    const exited = new Promise((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
