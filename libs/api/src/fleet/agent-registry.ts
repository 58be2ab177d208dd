import type { Socket } from "socket.io";
import { z } from "zod";
import {
  checkedAck,
  foldersAckSchema,
  launchAckSchema,
  logsAckSchema,
  restoreAckSchema,
  signalAckSchema,
  type AgentToServerEvents,
  type FoldersAck,
  type LaunchAck,
  type LaunchCommand,
  type LogsAck,
  type RestoreAck,
  type ServerToAgentEvents,
  type SignalAck,
  type SignalCommand,
} from "@stratavore/contracts";

import { inputHygieneFinding } from "../trpc/input-hygiene.ts";

export type AgentSocket = Socket<AgentToServerEvents, ServerToAgentEvents>;

/** Where an agent socket held by another server instance is reached (Socket.IO's cluster adapter). */
export interface RemoteAgents {
  /** The agent's answer; rejects with PeerGoneError when no instance holds its socket, or on timeout. */
  request(nodeId: string, event: string, payload: unknown, timeoutMs: number): Promise<unknown>;
  emit(nodeId: string, event: string, payload: unknown): void;
  /** Closes the agent's socket wherever it is held (a revoked node). */
  disconnect(nodeId: string): void;
}

/**
 * Which node's agent is connected, and the way to talk to it. A socket lives in exactly one
 * process: this one's are here; those held by other instances of a cluster are known from
 * their beats (setRemote) and reached through the Socket.IO adapter (RemoteAgents).
 */
export class AgentRegistry {
  private readonly sockets = new Map<string, AgentSocket>();
  /** node → the other live instance holding its agent's socket. */
  private remote = new Map<string, string>();
  private remoteAgents: RemoteAgents | null = null;

  /** Set once the realtime server exists, in a cluster. */
  reachRemoteThrough(remote: RemoteAgents): void {
    this.remoteAgents = remote;
  }

  setRemote(holders: Map<string, string>): void {
    this.remote = holders;
  }

  localNodeIds(): string[] {
    return [...this.sockets].filter(([, socket]) => socket.connected).map(([nodeId]) => nodeId);
  }

  /** Held here (this process has the socket). */
  isLocal = (nodeId: string): boolean => this.sockets.get(nodeId)?.connected ?? false;

  /** The local socket if this process holds one, the instance id of the holder otherwise. */
  holderOf(nodeId: string): "here" | string | null {
    if (this.isLocal(nodeId)) return "here";
    return this.remoteAgents ? (this.remote.get(nodeId) ?? null) : null;
  }

  /**
   * Local sockets of agents that another instance holds now (they reconnected there and this
   * socket is a half-open leftover) are closed, so a command reaches the agent once. Sockets
   * younger than `graceMs` are spared: the holder written at their connect may not be read yet.
   */
  dropSupersededBy(holders: Map<string, string>, graceMs: number, now = Date.now()): void {
    for (const [nodeId, socket] of this.sockets)
      if (holders.has(nodeId) && now - (this.attachedAt.get(socket.id) ?? now) > graceMs) socket.disconnect(true);
  }
  private readonly attachedAt = new Map<string, number>();

  attach(nodeId: string, socket: AgentSocket): void {
    const previous = this.sockets.get(nodeId);
    if (previous && previous.id !== socket.id) previous.disconnect(true);
    this.sockets.set(nodeId, socket);
    this.attachedAt.set(socket.id, Date.now());
  }

  /** Only forgets the socket if it is still the current one (a reconnect may have replaced it). */
  detach(nodeId: string, socket: AgentSocket): void {
    this.attachedAt.delete(socket.id);
    if (this.sockets.get(nodeId)?.id === socket.id) this.sockets.delete(nodeId);
  }

  /** Connected to this instance or, in a cluster, to another live one. */
  isConnected = (nodeId: string): boolean => this.holderOf(nodeId) !== null;

  /** Closes the agent's socket here and, in a cluster, on whichever instance holds it. */
  disconnect(nodeId: string): void {
    this.sockets.get(nodeId)?.disconnect(true);
    this.sockets.delete(nodeId);
    this.remoteAgents?.disconnect(nodeId);
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

  /** Which of `paths` are folders on the node. */
  folders(nodeId: string, paths: string[], timeoutMs: number): Promise<FoldersAck> {
    return this.request(nodeId, "agent:folders", { paths }, timeoutMs, foldersAckSchema, (why) => ({
      ok: false,
      code: "UNREACHABLE",
      message: `The node's agent ${why}.`,
    }));
  }

  /** One command with an answer (checkedAck): every way of not getting one is the command's own failure. */
  private request<E extends "agent:launch" | "agent:signal" | "agent:logs" | "agent:restore" | "agent:folders", A>(
    nodeId: string,
    event: E,
    payload: Parameters<ServerToAgentEvents[E]>[0],
    timeoutMs: number,
    schema: z.ZodType<A>,
    unreachable: (why: string) => A,
  ): Promise<A> {
    const socket = this.sockets.get(nodeId);
    const timed = socket?.connected ? socket.timeout(timeoutMs) : null;
    const remote = !timed && this.remote.has(nodeId) ? this.remoteAgents : null;
    // Socket.IO's typings cannot follow a generic event name to its payload; the schema checks the answer.
    const send = timed
      ? () => (timed.emitWithAck as (ev: E, p: typeof payload) => Promise<unknown>).call(timed, event, payload)
      : remote
        ? () => remote.request(nodeId, event, payload, timeoutMs)
        : null;
    // An answer that is stored (a launch's pid, a failure's message as the end reason) gets the
    // input check first: no NUL, bounded depth. Logs are shown, not stored, and may hold a NUL.
    const checked =
      event === "agent:logs"
        ? schema
        : z
            .unknown()
            .refine((v) => inputHygieneFinding(v) === null)
            .pipe(schema);
    return checkedAck(send, checked, (why) =>
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
    return this.tell(nodeId, "agent:allowances", cmd);
  }

  input(nodeId: string, runnerId: string, data: string): boolean {
    return this.tell(nodeId, "agent:input", { runnerId, data });
  }

  resize(nodeId: string, runnerId: string, cols: number, rows: number): boolean {
    return this.tell(nodeId, "agent:resize", { runnerId, cols, rows });
  }

  /** A message without an answer, to the agent wherever it is connected; false if nowhere. */
  private tell<E extends "agent:allowances" | "agent:input" | "agent:resize">(
    nodeId: string,
    event: E,
    payload: Parameters<ServerToAgentEvents[E]>[0],
  ): boolean {
    const socket = this.sockets.get(nodeId);
    if (socket?.connected) {
      (socket.emit as (ev: E, p: typeof payload) => boolean).call(socket, event, payload);
      return true;
    }
    if (!this.remoteAgents || !this.remote.has(nodeId)) return false;
    this.remoteAgents.emit(nodeId, event, payload);
    return true;
  }
}
