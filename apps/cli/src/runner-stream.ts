import type { Runner } from "@stratavore/contracts";
import { CliError } from "./cli-error.ts";
import { ACK_TIMEOUT_MS, realtimeError, type RealtimeSocket } from "./realtime-client.ts";
import { hasEnded } from "./runner-ref.ts";

interface Chunk {
  seq: number;
  data: string;
}

export interface RunnerStreamOptions {
  socket: RealtimeSocket;
  runnerId: string;
  /** Re-reads the runner after each attach: the room only announces changes made after joining it. */
  fetchRunner: () => Promise<Runner>;
  /** The scrollback returned by the first attach. */
  onBacklog: (chunks: Chunk[]) => void;
  onOutput: (data: string) => void;
  /** Connection trouble worth a line on stderr; the stream keeps trying meanwhile. */
  onNotice: (text: string) => void;
}

export type StreamEnd = { reason: "ended"; runner: Runner } | { reason: "closed" };

export interface RunnerStream {
  /** Resolves when the runner ends or close() is called; rejects on an error retrying cannot fix. */
  done: Promise<StreamEnd>;
  close: () => void;
}

/**
 * A runner's live output over Socket.IO: attach (joins its room, returns the scrollback), then
 * `runner:output` deduplicated by seq, re-attaching after every reconnect. Output arriving
 * while an attach is in flight is held back so the scrollback always comes first.
 */
export function streamRunner(o: RunnerStreamOptions): RunnerStream {
  const { socket, runnerId } = o;
  let lastSeq = -1;
  let first = true;
  let held: Chunk[] | null = null;
  let offline = false;
  let settle: (end: StreamEnd | Error) => void = () => {};
  const done = new Promise<StreamEnd>((resolve, reject) => {
    settle = (end) => {
      settle = () => {};
      stop();
      if (end instanceof Error) reject(end);
      else resolve(end);
    };
  });

  const deliver = (c: Chunk) => {
    if (c.seq <= lastSeq) return;
    lastSeq = c.seq;
    o.onOutput(c.data);
  };
  const onOutput = (p: { runnerId: string; seq: number; data: string }) => {
    if (p.runnerId !== runnerId) return;
    if (held) held.push(p);
    else deliver(p);
  };
  const onStatus = ({ runner }: { runner: Runner }) => {
    if (runner.id !== runnerId) return;
    // A restart relaunches claude in a new terminal whose output seq starts again from 1.
    if (runner.status === "starting") lastSeq = -1;
    if (hasEnded(runner)) settle({ reason: "ended", runner });
  };

  const attach = async () => {
    held = [];
    const ack = await socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck("runner:attach", { runnerId })
      .catch(() => {
        throw new CliError("UNREACHABLE", `The server did not answer the attach within ${ACK_TIMEOUT_MS / 1000} s.`);
      });
    if (!ack.ok) throw new CliError(ack.code, ack.message);
    const chunks = ack.chunks;
    if ((chunks.at(-1)?.seq ?? Infinity) < lastSeq) lastSeq = -1; // restarted while we were away
    const fresh = chunks.filter((c: Chunk) => c.seq > lastSeq);
    if (first) {
      first = false;
      o.onBacklog(fresh);
      lastSeq = fresh.at(-1)?.seq ?? lastSeq;
    } else fresh.forEach(deliver);
    const pending = held;
    held = null;
    pending.forEach(deliver);
    const runner = await o.fetchRunner();
    if (hasEnded(runner)) settle({ reason: "ended", runner });
  };

  const onConnect = () => {
    if (offline) o.onNotice("Reconnected.");
    offline = false;
    attach().catch((err: unknown) => settle(err instanceof Error ? err : new Error(String(err))));
  };
  const onDisconnect = (reason: string) => {
    if (reason === "io client disconnect") return;
    if (!offline) o.onNotice(`Connection to the server lost (${reason}); reconnecting…`);
    offline = true;
    // After a server-side disconnect (e.g. a restart) socket.io-client does not retry by itself.
    if (reason === "io server disconnect") setTimeout(() => !socket.connected && socket.connect(), 1_000).unref();
  };
  const onConnectError = (err: Error) => {
    // Inactive means the server refused the handshake (revoked token): retrying cannot help.
    if (!socket.active) settle(realtimeError(err));
  };

  socket.on("runner:output", onOutput);
  socket.on("runner:status", onStatus);
  socket.on("connect", onConnect);
  socket.on("disconnect", onDisconnect);
  socket.on("connect_error", onConnectError);
  if (socket.connected) onConnect();

  function stop() {
    socket.off("runner:output", onOutput);
    socket.off("runner:status", onStatus);
    socket.off("connect", onConnect);
    socket.off("disconnect", onDisconnect);
    socket.off("connect_error", onConnectError);
    if (socket.connected) socket.emit("runner:detach", { runnerId });
    socket.disconnect();
  }

  return { done, close: () => settle({ reason: "closed" }) };
}
