import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { projectTranscriptDir, transcriptPath } from "../base/claude-paths.ts";
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
  message?: {
    id?: string;
    content: unknown;
    usage?: { output_tokens: number; cache_creation: { ephemeral_5m_input_tokens: number } };
  };
}

function setup() {
  const t = tempHome();
  cleanups.push(t.cleanup);
  const read = (id: string): Line[] =>
    readFileSync(transcriptPath(`${t.home}/.claude`, t.cwd, id), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Line);
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
    expect(chain.every((l, i) => (i === 0 ? l.parentUuid === null : l.parentUuid === chain[i - 1]!.uuid))).toBe(true);
  });

  it("forks into the new file named by --session-id, with the parent's message ids but fresh uuids", () => {
    const s = setup();
    const child = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
    s.run("-p", "--session-id", ID, "one");
    expect(
      s.run("-p", "--resume", ID, "--fork-session", "--session-id", child, "--output-format", "json", "--", "branch"),
    ).toContain('"is_error":false');
    expect(readdirSync(projectTranscriptDir(`${s.home}/.claude`, s.cwd)).sort()).toEqual(
      [`${ID}.jsonl`, `${child}.jsonl`].sort(),
    );
    const parent = s.read(ID);
    const forked = s.read(child);
    expect(parent).toHaveLength(3);
    expect(forked.slice(0, 3).map((l) => l.message?.id)).toEqual(parent.map((l) => l.message?.id));
    expect(
      forked.filter((l) => l.uuid).every((l) => l.sessionId === child && !parent.some((p) => p.uuid === l.uuid)),
    ).toBe(true);
    expect(forked.at(-1)!.message!.content).toEqual([{ type: "text", text: "echo: branch" }]);
  });

  it("emits usage lines on a timer when FAKE_CLAUDE_USAGE_EVERY_MS is set", async () => {
    const s = setup();
    const child = spawn(FAKE_CLAUDE, ["--session-id", ID], {
      cwd: s.cwd,
      env: fakeEnv(s.home, { FAKE_CLAUDE_USAGE_EVERY_MS: "30" }) as unknown as NodeJS.ProcessEnv,
      stdio: ["pipe", "ignore", "ignore"],
    });
    cleanups.unshift(() => void child.kill("SIGKILL"));
    await waitFor("three usage lines", () => {
      try {
        return s.read(ID).filter((l) => l.type === "assistant").length >= 3;
      } catch {
        return false;
      }
    });
    const exited = new Promise((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
