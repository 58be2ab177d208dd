import type { Socket } from "socket.io";

/** engine.io's connection under a Socket.IO socket. */
type Connection = Socket["conn"];

/**
 * What a transport needs changed to take larger messages: long-polling reads its public
 * `maxHttpBufferSize` per request; a WebSocket's `ws` receiver checks `_maxPayload` against
 * each frame's header, before any of its payload is buffered. engine.io sets both from one
 * server-wide option, so this is the only way to give one connection another limit. If a
 * release of either library moves them, `ledger-ownership.int.test.ts` (a 4.5 MB line over an
 * agent's connection) fails, and the server logs it at every agent connection.
 */
interface LimitedTransport {
  name: string;
  maxHttpBufferSize?: number;
  socket?: { _receiver?: { _maxPayload?: number } };
}

function apply(transport: LimitedTransport, bytes: number): boolean {
  if (transport.name === "polling") {
    transport.maxHttpBufferSize = bytes;
    return true;
  }
  const receiver = transport.socket?._receiver;
  if (receiver && typeof receiver._maxPayload === "number") {
    receiver._maxPayload = bytes;
    return true;
  }
  return false;
}

/**
 * Lets one authenticated connection send messages up to `bytes`, now and after a transport
 * upgrade. The server's own limit stays small, so a client nobody has authenticated yet cannot
 * make it buffer and parse 16 MB messages (an attacker's 10 such frames took the server from
 * 236 to 458 MB). Returns false when the transport had nothing to raise (its limit unchanged).
 */
export function allowLargerMessages(conn: Connection, bytes: number): boolean {
  conn.on("upgrade", (transport: LimitedTransport) => apply(transport, bytes));
  return apply(conn.transport as unknown as LimitedTransport, bytes);
}
