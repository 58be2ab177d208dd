import { StringDecoder } from "node:string_decoder";
import type { CommandAck, Runner } from "@stratavore/contracts";
import type { Io } from "./io.ts";
import { ACK_TIMEOUT_MS, type RealtimeSocket } from "./realtime-client.ts";
import { streamRunner, type StreamEnd } from "./runner-stream.ts";
import { enterRawMode, inputChunks, onTerminalResize, resetTerminal, splitAtDetach, terminalSize } from "./terminal.ts";

export interface AttachOptions {
  io: Io;
  socket: RealtimeSocket;
  runnerId: string;
  fetchRunner: () => Promise<Runner>;
  /** Watch only: no keystrokes, no resizes. */
  readOnly: boolean;
}

/**
 * This terminal wired to a runner's: raw keystrokes out as `runner:input`, its output in, our
 * size out as `runner:resize`. Ends on Ctrl-], Ctrl-C outside raw mode, or the runner's end;
 * the terminal is restored on every path, errors included.
 */
export async function runAttachSession(o: AttachOptions): Promise<StreamEnd> {
  const { io, socket, runnerId } = o;
  let readOnly = o.readOnly;
  const reported = new Set<string>();
  // Raw mode turns off output post-processing, so a notice brings its own carriage returns.
  const notice = (text: string) => io.stderr.write(`\r\n[stratavore] ${text}\r\n`);

  const stream = streamRunner({
    socket,
    runnerId,
    fetchRunner: o.fetchRunner,
    onBacklog: (chunks) => chunks.forEach((c) => io.stdout.write(c.data)),
    onOutput: (data) => io.stdout.write(data),
    onNotice: notice,
  });

  const onAck = (res: CommandAck) => {
    if (res.ok) return;
    if (res.code === "FORBIDDEN" || res.code === "TOKEN_SCOPE") {
      if (!readOnly) notice(`${res.message} Staying attached read-only; Ctrl-] detaches.`);
      readOnly = true;
    } else if (!reported.has(res.code)) {
      reported.add(res.code);
      notice(`error [${res.code}]: ${res.message}`);
    }
  };
  const send = (text: string) => {
    for (const data of inputChunks(text)) {
      socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck("runner:input", { runnerId, data })
        .then(onAck, () => {});
    }
  };
  const decoder = new StringDecoder("utf8");
  const onKeys = (raw: Buffer | string) => {
    const { forward, detach } = splitAtDetach(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
    const text = decoder.write(forward);
    if (text && !readOnly) send(text);
    if (detach) stream.close();
  };
  const resize = () => {
    const size = terminalSize(io.stdout);
    if (!readOnly && size && socket.connected) socket.emit("runner:resize", { runnerId, ...size });
  };

  const restoreMode = enterRawMode(io.stdin);
  const cleanups = [
    () => {
      io.stdin.off("data", onKeys);
      io.stdin.pause(); // a flowing stdin would keep the process alive
      restoreMode();
      resetTerminal(io.stdout);
    },
    io.onInterrupt(stream.close),
    onTerminalResize(io.stdout, resize),
    () => void socket.off("connect", resize),
  ];
  try {
    io.stdin.on("data", onKeys);
    socket.on("connect", resize); // a reconnect may land on a server that never saw our size
    resize();
    return await stream.done;
  } finally {
    for (const cleanup of cleanups) cleanup();
  }
}
