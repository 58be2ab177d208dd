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
});
