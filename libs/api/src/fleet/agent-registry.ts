import type { Socket } from "socket.io";
import type { z } from "zod";
import {
  checkedAck,
  launchAckSchema,
  logsAckSchema,
  restoreAckSchema,
  signalAckSchema,
  type AgentToServerEvents,
  type LaunchAck,
  type LaunchCommand,
  type LogsAck,
  type RestoreAck,
  type ServerToAgentEvents,
  type SignalAck,
  type SignalCommand,
} from "@stratavore/contracts";

export type AgentSocket = Socket<AgentToServerEvents, ServerToAgentEvents>;

/**
 * Which node's agent is connected to this server process, and the way to talk to it.
 * In-memory by nature: a socket lives in exactly one process.
 */
export class AgentRegistry {
  private readonly sockets = new Map<string, AgentSocket>();

  attach(nodeId: string, socket: AgentSocket): void {
    const previous = this.sockets.get(nodeId);
    if (previous && previous.id !== socket.id) previous.disconnect(true);
    this.sockets.set(nodeId, socket);
  }

  /** Only forgets the socket if it is still the current one (a reconnect may have replaced it). */
  detach(nodeId: string, socket: AgentSocket): void {
    if (this.sockets.get(nodeId)?.id === socket.id) this.sockets.delete(nodeId);
  }

  isConnected = (nodeId: string): boolean => this.sockets.get(nodeId)?.connected ?? false;

  disconnect(nodeId: string): void {
    this.sockets.get(nodeId)?.disconnect(true);
    this.sockets.delete(nodeId);
  }

  launch(nodeId: string, cmd: LaunchCommand, timeoutMs: number): Promise<LaunchAck> {
    return this.request(nodeId, "agent:launch", cmd, timeoutMs, launchAckSchema, (why) => ({
      ok: false,
      code: "UNREACHABLE",
      message: `The node's agent ${why}.`,
    }));
  }

  signal(nodeId: string, cmd: SignalCommand, timeoutMs: number): Promise<SignalAck> {
    return this.request(nodeId, "agent:signal", cmd, timeoutMs, signalAckSchema, (why) => ({
      ok: false,
      code: "SIGNAL_FAILED",
      message: `The node's agent ${why}.`,
    }));
  }

  logs(nodeId: string, runnerId: string, maxLines: number, timeoutMs: number): Promise<LogsAck> {
    return this.request(nodeId, "agent:logs", { runnerId, maxLines }, timeoutMs, logsAckSchema, (why) => ({
      ok: false,
      code: "NO_LOG",
      message: `The runner's node ${why}.`,
    }));
  }

  restore(
    nodeId: string,
    cmd: Parameters<ServerToAgentEvents["agent:restore"]>[0],
    timeoutMs: number,
  ): Promise<RestoreAck> {
    return this.request(nodeId, "agent:restore", cmd, timeoutMs, restoreAckSchema, (why) => ({
      ok: false,
      code: "NODE_UNAVAILABLE",
      message: `The node's agent ${why}.`,
    }));
  }

  /** One command with an answer (checkedAck): every way of not getting one is the command's own failure. */
  private request<E extends "agent:launch" | "agent:signal" | "agent:logs" | "agent:restore", A>(
    nodeId: string,
    event: E,
    payload: Parameters<ServerToAgentEvents[E]>[0],
    timeoutMs: number,
    schema: z.ZodType<A>,
    unreachable: (why: string) => A,
  ): Promise<A> {
    const socket = this.sockets.get(nodeId);
    const timed = socket?.connected ? socket.timeout(timeoutMs) : null;
    // Socket.IO's typings cannot follow a generic event name to its payload; the schema checks the answer.
    const send = timed
      ? () => (timed.emitWithAck as (ev: E, p: typeof payload) => Promise<unknown>).call(timed, event, payload)
      : null;
    return checkedAck(send, schema, (why) =>
      unreachable(
        why === "disconnected"
          ? "is not connected"
          : why === "timeout"
            ? `did not answer within ${timeoutMs / 1000} s`
            : "answered outside the agent protocol (a different version?)",
      ),
    );
  }

  /** Fire and forget: allowances are recomputed whenever usage lands, so a lost one is replaced soon. */
  allowances(nodeId: string, cmd: Parameters<ServerToAgentEvents["agent:allowances"]>[0]): boolean {
    const socket = this.sockets.get(nodeId);
    if (!socket?.connected) return false;
    socket.emit("agent:allowances", cmd);
    return true;
  }

  input(nodeId: string, runnerId: string, data: string): boolean {
    const socket = this.sockets.get(nodeId);
    if (!socket?.connected) return false;
    socket.emit("agent:input", { runnerId, data });
    return true;
  }

  resize(nodeId: string, runnerId: string, cols: number, rows: number): boolean {
    const socket = this.sockets.get(nodeId);
    if (!socket?.connected) return false;
    socket.emit("agent:resize", { runnerId, cols, rows });
    return true;
  }
}
