import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@stratavore/contracts";
import { CliError } from "./cli-error.ts";
import type { Connection } from "./session.ts";

export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Same patience as an API request: longer means the server is as good as unreachable. */
const CONNECT_TIMEOUT_MS = 15_000;
export const ACK_TIMEOUT_MS = 15_000;

/**
 * Socket.IO sits beside tRPC on the server's origin. A path in the server URL (a reverse-proxy
 * prefix) belongs in `path`: handed to io() inside the URL it would be read as a namespace.
 */
export function socketTarget(server: string): { origin: string; path: string } {
  const url = new URL(server);
  return { origin: url.origin, path: `${url.pathname.replace(/\/+$/, "")}/socket.io` };
}

/** A refused handshake carries the server's code in `data`; anything else is the network. */
export function realtimeError(err: unknown): CliError {
  const { message, data } = (err ?? {}) as { message?: string; data?: { code?: unknown; message?: unknown } };
  const code = typeof data?.code === "string" ? data.code : undefined;
  if (code === "UNAUTHENTICATED")
    return new CliError(code, "The server rejected this token (unknown, expired or revoked).");
  if (code)
    return new CliError(
      code,
      typeof data?.message === "string" ? data.message : `The server refused the realtime connection (${code}).`,
    );
  return new CliError(
    "UNREACHABLE",
    `Cannot reach the Stratavore server's realtime endpoint (${message ?? "connection failed"}).`,
  );
}

/**
 * Connects with the API token in the handshake and resolves once the server has accepted it.
 * Later drops reconnect on their own (socket.io-client's backoff); callers re-join their rooms
 * on every `connect`.
 */
export function openRealtime(conn: Connection, timeoutMs = CONNECT_TIMEOUT_MS): Promise<RealtimeSocket> {
  const { origin, path } = socketTarget(conn.server);
  // WebSocket only: a CLI has no proxy that needs long-polling, and it keeps one connection.
  const socket: RealtimeSocket = io(origin, {
    path,
    auth: { token: conn.token },
    transports: ["websocket"],
    timeout: timeoutMs,
    reconnectionDelayMax: 5_000,
  });
  return new Promise((resolve, reject) => {
    const settle = (err?: unknown) => {
      socket.off("connect", onConnect);
      socket.off("connect_error", settle);
      if (err === undefined) return resolve(socket);
      socket.disconnect();
      reject(realtimeError(err));
    };
    const onConnect = () => settle();
    socket.once("connect", onConnect);
    socket.on("connect_error", settle);
  });
}
