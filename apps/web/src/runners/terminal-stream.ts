import type { ClientSocket } from "../realtime/realtime-provider";

export interface TerminalSink {
  write(data: string): void;
  /** A line from us, not from the runner (gaps, attach failures). */
  notice(text: string): void;
}

const ATTACH_TIMEOUT_MS = 10_000;
const ATTACH_RETRY_MS = 3_000;
/**
 * How long a chunk that arrived ahead of a missing one waits for it. Behind a cluster of
 * server instances chunks may overtake each other (a large one travels through PostgreSQL
 * as an attachment); only a gap still open after this is said to be missed.
 */
const REORDER_WAIT_MS = 1_000;

/**
 * Joins a runner's output on a socket and feeds it to a terminal exactly once, in order.
 * Output seqs are gap-free per runner, so "write only seq > last written" dedupes the
 * scrollback that every (re)attach returns against live output. Live chunks that arrive
 * before the attach ack are held back: the ack's scrollback may hold earlier chunks still
 * to be written. Re-attaches on every reconnect, since a new connection is in no room.
 */
export function streamRunnerOutput(socket: ClientSocket, runnerId: string, sink: TerminalSink): () => void {
  let lastSeq = -1;
  let attached = false;
  let held: { seq: number; data: string }[] = [];
  /** Chunks ahead of a gap, by seq, until the gap fills or REORDER_WAIT_MS passes. */
  const early = new Map<number, string>();
  let gapTimer: ReturnType<typeof setTimeout> | undefined;

  const put = (seq: number, data: string) => {
    if (lastSeq >= 0 && seq > lastSeq + 1)
      sink.notice(`… ${seq - lastSeq - 1} output chunk(s) were missed while disconnected …`);
    lastSeq = seq;
    sink.write(data);
  };
  const drain = () => {
    for (let next = early.get(lastSeq + 1); next !== undefined; next = early.get(lastSeq + 1)) {
      early.delete(lastSeq + 1);
      put(lastSeq + 1, next);
    }
    if (early.size === 0) {
      clearTimeout(gapTimer);
      gapTimer = undefined;
    }
  };
  const giveUpOnGap = () => {
    gapTimer = undefined;
    for (const seq of [...early.keys()].sort((a, b) => a - b)) {
      const data = early.get(seq) ?? "";
      early.delete(seq);
      if (seq > lastSeq) put(seq, data);
    }
  };
  const write = (chunk: { seq: number; data: string }) => {
    if (chunk.seq <= lastSeq) return;
    if (lastSeq >= 0 && chunk.seq > lastSeq + 1) {
      early.set(chunk.seq, chunk.data);
      gapTimer ??= setTimeout(giveUpOnGap, REORDER_WAIT_MS);
      return;
    }
    put(chunk.seq, chunk.data);
    drain();
  };

  let retry: ReturnType<typeof setTimeout> | undefined;
  const attach = async () => {
    attached = false;
    const ack = await socket.timeout(ATTACH_TIMEOUT_MS).emitWithAck("runner:attach", { runnerId });
    if (!ack.ok) {
      sink.notice(`Cannot attach: ${ack.message}`);
      return;
    }
    ack.chunks.forEach(write);
    held.sort((a, b) => a.seq - b.seq).forEach(write);
    held = [];
    attached = true;
  };

  const onOutput = (chunk: { runnerId: string; seq: number; data: string }) => {
    if (chunk.runnerId !== runnerId) return;
    if (attached) write(chunk);
    else held.push(chunk);
  };

  // No answer (a timeout, the connection dropping meanwhile) is said on the terminal and tried
  // again while connected; a reconnect attaches anew anyway.
  const onConnect = () => {
    clearTimeout(retry);
    attach().catch(() => {
      sink.notice("Cannot attach: the server did not answer; trying again…");
      if (socket.connected) retry = setTimeout(onConnect, ATTACH_RETRY_MS);
    });
  };
  socket.on("runner:output", onOutput);
  socket.on("connect", onConnect);
  if (socket.connected) onConnect();

  return () => {
    clearTimeout(retry);
    clearTimeout(gapTimer);
    socket.off("runner:output", onOutput);
    socket.off("connect", onConnect);
    if (socket.connected) socket.emit("runner:detach", { runnerId });
  };
}
