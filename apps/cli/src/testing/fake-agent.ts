import { io, type Socket } from "socket.io-client";
import {
  AGENT_NAMESPACE,
  type AgentToServerEvents,
  type LaunchCommand,
  type ServerToAgentEvents,
  type SignalCommand,
} from "@stratavore/contracts";

type AgentSocket = Socket<ServerToAgentEvents, AgentToServerEvents>;
/** How a fake node answers `agent:folders`: per path, or "silent" (it says it can, then never answers). */
type FolderAnswers = ((path: string) => boolean) | "silent";

/**
 * Speaks the agent side of the `/agent` protocol without spawning anything, so CLI tests can
 * launch, stream, type into and stop runners. Input is echoed back as output, like a shell.
 */
export class FakeAgent {
  readonly launches: LaunchCommand[] = [];
  readonly signals: SignalCommand[] = [];
  readonly inputs: { runnerId: string; data: string }[] = [];
  readonly resizes: { runnerId: string; cols: number; rows: number }[] = [];
  /** Transcripts the server restored before a resume: session id, cwd and file names. */
  readonly restores: { sessionId: string; cwd: string; files: string[] }[] = [];
  private readonly seqs = new Map<string, number>();
  private readonly printed = new Map<string, string[]>();
  private readonly running = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly socket: AgentSocket,
    readonly nodeName: string,
    /** Which folders exist "on this node"; without it the node does not answer (as an earlier release). */
    folders?: FolderAnswers,
  ) {
    if (typeof folders === "function")
      socket.on("agent:folders", (p, ack) => ack({ ok: true, present: p.paths.map(folders) }));
    socket.on("agent:launch", (cmd, ack) => {
      this.launches.push(cmd);
      const pid = 40_000 + this.launches.length;
      this.running.set(cmd.runnerId, pid);
      ack({ ok: true, pid });
    });
    socket.on("agent:signal", (cmd, ack) => {
      this.signals.push(cmd);
      ack({ ok: true });
      if (cmd.action === "stop" || cmd.action === "kill")
        this.exit(cmd.runnerId, null, cmd.action === "kill" ? "SIGKILL" : "SIGTERM", "user");
    });
    socket.on("agent:input", (p) => {
      this.inputs.push(p);
      this.output(p.runnerId, `echo:${p.data}`);
    });
    socket.on("agent:resize", (p) => void this.resizes.push(p));
    socket.on("agent:restore", (p, ack) => {
      this.restores.push({ sessionId: p.sessionId, cwd: p.cwd, files: p.files.map((f) => f.name) });
      ack({ ok: true, restored: true });
    });
    // Like a real node, it keeps what each runner printed after the runner has ended.
    socket.on("agent:logs", (p, ack) => {
      const lines = this.printed.get(p.runnerId);
      ack(
        lines?.length
          ? { ok: true, lines: lines.slice(-p.maxLines) }
          : { ok: false, code: "NO_LOG", message: "no log" },
      );
    });
    // Keeps the node from looking silent (the server fails runners of silent nodes).
    this.heartbeat = setInterval(() => this.beat(), 2_000);
  }

  static async join(
    serverUrl: string,
    joinToken: string,
    name: string,
    labels: string[] = [],
    opts: { folders?: FolderAnswers } = {},
  ): Promise<FakeAgent> {
    const hello = {
      name,
      hostname: `${name}.test`,
      agentVersion: "0.0.0-fake",
      claudeVersion: "1.0.0 (fake)",
      capacity: 4,
      labels,
      ...(opts.folders
        ? {
            capabilities: {
              isolation: "none" as const,
              pause: "signals" as const,
              memoryLimit: false,
              cpuLimit: false,
              detail: "fake",
              folders: true,
            },
          }
        : {}),
    };
    const socket: AgentSocket = io(`${serverUrl}${AGENT_NAMESPACE}`, {
      path: "/socket.io",
      transports: ["websocket"],
      auth: { joinToken, hello },
      reconnection: false,
    });
    const nodeName = await new Promise<string>((resolve, reject) => {
      socket.once("agent:welcome", (w) => resolve(w.nodeName));
      socket.once("connect_error", reject);
    });
    socket.emit("agent:inventory", { runners: [] });
    return new FakeAgent(socket, nodeName, opts.folders);
  }

  output(runnerId: string, data: string): void {
    const seq = (this.seqs.get(runnerId) ?? 0) + 1;
    this.seqs.set(runnerId, seq);
    this.printed.set(runnerId, [...(this.printed.get(runnerId) ?? []), data]);
    this.socket.emit("runner:output", { runnerId, seq, data });
  }

  exit(
    runnerId: string,
    exitCode: number | null,
    signal: string | null = null,
    endedBy: "user" | "process" = "process",
  ): void {
    this.running.delete(runnerId);
    // The server's answer says it is recorded; tests wait for the runner's status instead.
    this.socket.emit("runner:exited", { runnerId, exitCode, signal, endedBy }, () => undefined);
  }

  private beat(): void {
    const runners = [...this.running].map(([runnerId, pid]) => ({
      runnerId,
      status: "running" as const,
      pid,
      cpuPercent: 1.5,
      rssBytes: 50 * 1024 * 1024,
    }));
    this.socket.emit("agent:heartbeat", { runners });
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.socket.disconnect();
  }
}
