import { describe, expect, it } from "vitest";
import type { Runner } from "@stratavore/contracts";
import type { RealtimeSocket } from "./realtime-client.ts";
import { streamRunner } from "./runner-stream.ts";

const RUNNER_ID = "0f0e0d0c-0000-4000-8000-000000000001";
type Handler = (...args: unknown[]) => void;
type Ack = { ok: true; chunks: { seq: number; data: string }[] } | { ok: false; code: string; message: string };

/** Just enough of a socket.io-client Socket: server events are pushed in, client events recorded. */
class FakeSocket {
  connected = true;
  active = true;
  readonly sent: [string, unknown][] = [];
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly pendingAcks: ((ack: Ack) => void)[] = [];

  on(event: string, h: Handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(h);
    return this;
  }
  off(event: string, h: Handler) {
    this.handlers.get(event)?.delete(h);
    return this;
  }
  push(event: string, ...args: unknown[]) {
    for (const h of this.handlers.get(event) ?? []) h(...args);
  }
  timeout() {
    return this;
  }
  emitWithAck(event: string, payload: unknown): Promise<Ack> {
    this.sent.push([event, payload]);
    return new Promise((resolve) => this.pendingAcks.push(resolve));
  }
  emit(event: string, payload: unknown) {
    this.sent.push([event, payload]);
  }
  ack(ack: Ack) {
    this.pendingAcks.shift()!(ack);
  }
  disconnect() {
    this.connected = false;
    this.sent.push(["(disconnect)", null]);
  }
  connect() {}
}

const runner = (over: Partial<Runner>) =>
  ({ id: RUNNER_ID, status: "running", nextRestartAt: null, ...over }) as Runner;
const tick = () => new Promise((r) => setTimeout(r, 0));
const out = (seq: number, data: string) => ({ runnerId: RUNNER_ID, seq, data });

function setup(fetched: Partial<Runner> = {}) {
  const socket = new FakeSocket();
  const log: string[] = [];
  const stream = streamRunner({
    socket: socket as unknown as RealtimeSocket,
    runnerId: RUNNER_ID,
    fetchRunner: async () => runner(fetched),
    onBacklog: (chunks) => log.push(`backlog:${chunks.map((c) => c.data).join("")}`),
    onOutput: (data) => log.push(data),
    onNotice: (text) => log.push(`notice:${text}`),
  });
  return { socket, log, stream };
}

describe("streamRunner", () => {
  it("prints the scrollback first, holds output that races the attach, and drops repeats", async () => {
    const { socket, log, stream } = setup();
    expect(socket.sent).toEqual([["runner:attach", { runnerId: RUNNER_ID }]]);
    socket.push("runner:output", out(3, "c"));
    socket.push("runner:output", out(4, "d"));
    socket.push("runner:output", { ...out(9, "other runner"), runnerId: "another" });
    socket.ack({ ok: true, chunks: [out(1, "a"), out(2, "b"), out(3, "c")] });
    await tick();
    socket.push("runner:output", out(4, "d"));
    socket.push("runner:output", out(5, "e"));
    expect(log).toEqual(["backlog:abc", "d", "e"]);
    stream.close();
    await expect(stream.done).resolves.toEqual({ reason: "closed" });
    expect(socket.sent.slice(-2)).toEqual([
      ["runner:detach", { runnerId: RUNNER_ID }],
      ["(disconnect)", null],
    ]);
  });

  it("ends when the runner ends, but not while a restart is pending; a restart starts seq over", async () => {
    const { socket, log, stream } = setup();
    socket.ack({ ok: true, chunks: [out(1, "a"), out(2, "b")] });
    await tick();
    socket.push("runner:status", { seq: 10, runner: runner({ status: "failed", nextRestartAt: new Date() }) });
    socket.push("runner:status", { seq: 11, runner: runner({ status: "starting" }) });
    socket.push("runner:output", out(1, "again"));
    socket.push("runner:status", { seq: 12, runner: runner({ status: "terminated", endReason: "stopped" }) });
    await expect(stream.done).resolves.toMatchObject({ reason: "ended", runner: { status: "terminated" } });
    expect(log).toEqual(["backlog:ab", "again"]);
  });

  it("notices a runner that ended before the attach (the API re-read after joining)", async () => {
    const { socket, stream } = setup({ status: "failed", endReason: "exit code 1" });
    socket.ack({ ok: true, chunks: [] });
    await expect(stream.done).resolves.toMatchObject({ reason: "ended", runner: { status: "failed" } });
  });

  it("re-attaches after a reconnect and prints only what it missed", async () => {
    const { socket, log, stream } = setup();
    socket.ack({ ok: true, chunks: [out(1, "a")] });
    await tick();
    socket.push("disconnect", "transport close");
    socket.push("disconnect", "transport close");
    socket.push("connect");
    socket.ack({ ok: true, chunks: [out(1, "a"), out(2, "b")] });
    await tick();
    expect(log).toEqual([
      "backlog:a",
      "notice:Connection to the server lost (transport close); reconnecting…",
      "notice:Reconnected.",
      "b",
    ]);
    stream.close();
  });

  it("fails with the server's code when the attach is refused or the handshake is refused later", async () => {
    const refused = setup();
    refused.socket.ack({ ok: false, code: "FORBIDDEN", message: "No." });
    await expect(refused.stream.done).rejects.toMatchObject({ code: "FORBIDDEN", message: "No." });

    const revoked = setup();
    revoked.socket.ack({ ok: true, chunks: [] });
    await tick();
    revoked.socket.active = false;
    revoked.socket.push(
      "connect_error",
      Object.assign(new Error("UNAUTHENTICATED"), { data: { code: "UNAUTHENTICATED" } }),
    );
    await expect(revoked.stream.done).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
