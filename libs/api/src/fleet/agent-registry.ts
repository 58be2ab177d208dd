import type { Socket } from "socket.io";
import type { AgentToServerEvents, LaunchAck, LaunchCommand, LogsAck, RestoreAck, ServerToAgentEvents, SignalAck, SignalCommand } from "@stratavore/contracts";

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

  async launch(nodeId: string, cmd: LaunchCommand, timeoutMs: number): Promise<LaunchAck> {
    const socket = this.sockets.get(nodeId);
    if (!socket?.connected) return { ok: false, code: "UNREACHABLE", message: "The node's agent is not connected." };
    try {
      return await socket.timeout(timeoutMs).emitWithAck("agent:launch", cmd);
    } catch {
      return { ok: false, code: "UNREACHABLE", message: `The node's agent did not answer within ${timeoutMs / 1000} s.` };
    }
  }

  async signal(nodeId: string, cmd: SignalCommand, timeoutMs: number): Promise<SignalAck> {
    const socket = this.sockets.get(nodeId);
    if (!socket?.connected) return { ok: false, code: "SIGNAL_FAILED", message: "The node's agent is not connected." };
    try {
      return await socket.timeout(timeoutMs).emitWithAck("agent:signal", cmd);
    } catch {
      return { ok: false, code: "SIGNAL_FAILED", message: "The node's agent did not answer." };
    }
  }

  async logs(nodeId: string, runnerId: string, maxLines: number, timeoutMs: number): Promise<LogsAck> {
    const socket = this.sockets.get(nodeId);
    if (!socket?.connected) return { ok: false, code: "NO_LOG", message: "The runner's node is not connected." };
    try {
      return await socket.timeout(timeoutMs).emitWithAck("agent:logs", { runnerId, maxLines });
    } catch {
      return { ok: false, code: "NO_LOG", message: "The runner's node did not answer." };
    }
  }

  async restore(nodeId: string, cmd: Parameters<ServerToAgentEvents["agent:restore"]>[0], timeoutMs: number): Promise<RestoreAck> {
    const socket = this.sockets.get(nodeId);
    if (!socket?.connected) return { ok: false, code: "NODE_UNAVAILABLE", message: "The node's agent is not connected." };
    try {
      return await socket.timeout(timeoutMs).emitWithAck("agent:restore", cmd);
    } catch {
      return { ok: false, code: "NODE_UNAVAILABLE", message: "The node's agent did not answer." };
    }
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
