import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ClientSocket } from "../realtime/realtime-provider";
import { streamRunnerOutput } from "./terminal-stream";

type Ack = { ok: true; chunks: { seq: number; data: string }[] } | { ok: false; code: string; message: string };

/** Enough of a Socket.IO client: events, `connected`, and attach answers we script. */
function fakeSocket(answers: Array<Ack | "no answer">) {
  const events = new EventEmitter();
  const socket = {
    connected: true,
    on: (e: string, f: (...a: unknown[]) => void) => events.on(e, f),
    off: (e: string, f: (...a: unknown[]) => void) => events.off(e, f),
    emit: () => true,
    timeout: () => ({
      emitWithAck: async () => {
        const next = answers.shift() ?? "no answer";
        if (next === "no answer") throw new Error("operation has timed out");
        return next;
      },
    }),
  };
  return { socket: socket as unknown as ClientSocket, events };
}

afterEach(() => vi.useRealTimers());

describe("a runner's terminal stream", () => {
  it("says when an attach gets no answer, tries again, and then writes the scrollback once", async () => {
    vi.useFakeTimers();
    const { socket } = fakeSocket(["no answer", { ok: true, chunks: [{ seq: 0, data: "hello" }] }]);
    const written: string[] = [];
    const notices: string[] = [];
    const stop = streamRunnerOutput(socket, "r1", { write: (d) => written.push(d), notice: (t) => notices.push(t) });
    await vi.advanceTimersByTimeAsync(0);
    expect(notices).toEqual(["Cannot attach: the server did not answer; trying again…"]);
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(3000);
    expect(written).toEqual(["hello"]);
    stop();
  });

  it("says why an attach was refused", async () => {
    const { socket } = fakeSocket([{ ok: false, code: "FORBIDDEN", message: "Viewers cannot attach." }]);
    const notices: string[] = [];
    streamRunnerOutput(socket, "r1", { write: () => undefined, notice: (t) => notices.push(t) });
    await new Promise((r) => setTimeout(r, 0));
    expect(notices).toEqual(["Cannot attach: Viewers cannot attach."]);
  });

  it("puts chunks that overtook each other back in order, and says a gap only when it stays open", async () => {
    vi.useFakeTimers();
    const { socket, events } = fakeSocket([{ ok: true, chunks: [{ seq: 0, data: "a" }] }]);
    const written: string[] = [];
    const notices: string[] = [];
    const stop = streamRunnerOutput(socket, "r1", { write: (d) => written.push(d), notice: (t) => notices.push(t) });
    await vi.advanceTimersByTimeAsync(0);
    const out = (seq: number, data: string) => events.emit("runner:output", { runnerId: "r1", seq, data });
    out(2, "c");
    out(3, "d");
    expect(written).toEqual(["a"]);
    out(1, "b");
    expect(written).toEqual(["a", "b", "c", "d"]);
    expect(notices).toEqual([]);
    // 5 never comes: after the wait, 6 is written with the gap said once.
    out(6, "f");
    await vi.advanceTimersByTimeAsync(999);
    expect(written).toEqual(["a", "b", "c", "d"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(written).toEqual(["a", "b", "c", "d", "f"]);
    expect(notices).toEqual(["… 2 output chunk(s) were missed while disconnected …"]);
    out(5, "late");
    expect(written).toHaveLength(5);
    stop();
  });
});
