import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BATCH_LIMITS } from "./import-batches.ts";
import { importHistory } from "./import-history.ts";
import type { ImportState } from "./import-state.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** `n` sessions in one project folder, each a prompt and `responses` responses with usage. */
async function history(n: number, responses = 1): Promise<{ dir: string; files: string[] }> {
  const root = await mkdtemp(join(tmpdir(), "stratavore-import-history-"));
  dirs.push(root);
  const folder = join(root, "-tmp-app");
  await mkdir(folder);
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const sessionId = randomUUID();
    const base = { sessionId, cwd: "/tmp/app", isSidechain: false, timestamp: "2026-03-01T10:00:00.000Z" };
    const lines = [
      { ...base, type: "user", uuid: randomUUID(), message: { role: "user", content: `task ${i}` } },
      ...Array.from({ length: responses }, (_, j) => ({
        ...base,
        type: "assistant",
        uuid: randomUUID(),
        requestId: `req_${i}_${j}`,
        message: {
          id: `msg_${i}_${j}`,
          role: "assistant",
          model: "claude-sonnet-4-5",
          content: [{ type: "text", text: "done" }],
          usage: { input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        },
      })),
    ];
    const file = join(folder, `${sessionId}.jsonl`);
    await writeFile(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    files.push(file);
  }
  return { dir: root, files: files.sort() };
}

/** An in-memory state: every file read whole, `done` recorded. */
function memoryState(): ImportState & { recorded: Map<string, number> } {
  const recorded = new Map<string, number>();
  return {
    recorded,
    startOf: async (path) => ({ start: 0, size: (await stat(path)).size }),
    done: async (path, bytes) => void recorded.set(path, bytes),
    save: async () => undefined,
  };
}

/** Usage calls that succeed, except the second, which fails as a server going away would. */
function secondCallFails() {
  let calls = 0;
  return {
    calls: () => calls,
    send: async (sessions: Array<{ records: unknown[] }>) => {
      if (++calls === 2) throw new Error("server went away");
      return { recordsChanged: sessions.reduce((n, x) => n + x.records.length, 0), projectsCreated: [] };
    },
  };
}

describe("importHistory when an upload fails", () => {
  it("queues no upload after the failure, stops at the next usage call with that error, and keeps the files archived before it in the state", async () => {
    // Three calls' worth of sessions: the failure is seen by the second call.
    const { dir, files } = await history(BATCH_LIMITS.sessions * 2 + 5);
    const state = memoryState();
    const started: string[] = [];
    const sent: number[] = [];
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((r) => (releaseFirst = r));
    const run = importHistory({
      dir,
      state,
      send: async (sessions) => {
        sent.push(sessions.length);
        return { recordsChanged: sessions.length, projectsCreated: [] };
      },
      upload: async (_sessionId, _file, path) => {
        started.push(path);
        if (started.length === 1) return firstHeld;
        if (started.length === 2) throw new Error("disk full on the server");
        // Any later upload is a defect: it would have been cleared from the queue.
      },
    });
    await expect(run).rejects.toThrow("disk full on the server");
    expect(started).toEqual(files.slice(0, 2));
    expect(sent).toEqual([BATCH_LIMITS.sessions, BATCH_LIMITS.sessions]);
    // The first upload was still running when the import stopped: not recorded.
    expect(state.recorded.size).toBe(0);
    releaseFirst();
  });

  it("records the files archived before a failing usage call, and only those", async () => {
    const { dir, files } = await history(BATCH_LIMITS.sessions + 3);
    const state = memoryState();
    const run = importHistory({ dir, state, send: secondCallFails().send, upload: async () => undefined });
    await expect(run).rejects.toThrow("server went away");
    // The first call's sessions were archived (their uploads finish while the rest is parsed).
    const archived = [...state.recorded.keys()].sort();
    expect(archived.length).toBeGreaterThan(0);
    expect(archived.every((f) => files.slice(0, BATCH_LIMITS.sessions).includes(f))).toBe(true);
    for (const f of archived) expect(state.recorded.get(f)).toBeGreaterThan(0);
  });

  it("reports the import's own error when a file cannot be recorded in the state either", async () => {
    const { dir } = await history(BATCH_LIMITS.sessions + 3);
    const state = memoryState();
    // The file was deleted meanwhile: the state cannot hash it.
    state.done = async () => {
      throw new Error("ENOENT: no such file");
    };
    const run = importHistory({ dir, state, send: secondCallFails().send, upload: async () => undefined });
    await expect(run).rejects.toThrow("server went away");
  });

  it("a session too big for one call counts as imported only once its last call is sent", async () => {
    // More records than one call takes (BATCH_LIMITS): the session goes in two calls.
    const { dir, files } = await history(1, BATCH_LIMITS.records + 10);
    const state = memoryState();
    const uploaded: string[] = [];
    const usage = secondCallFails();
    const run = importHistory({
      dir,
      state,
      send: usage.send,
      upload: async (_sessionId, _file, path) => void uploaded.push(path),
    });
    await expect(run).rejects.toThrow("server went away");
    expect(usage.calls()).toBe(2);
    // Half its usage never reached the server: neither archived nor recorded, so the next run reads it again.
    expect(uploaded).toEqual([]);
    expect(state.recorded.has(files[0]!)).toBe(false);
  });
});
