import type { Server as HttpServer } from "node:http";
import { runnerExists } from "@stratavore/db";
import { Server } from "socket.io";
import {
  AGENT_NAMESPACE,
  ROOMS,
  SOCKET_MESSAGE_BYTES,
  isAllowedRoomName,
  roleAtLeast,
  runnerAttachInput,
  runnerInputMessage,
  runnerResizeMessage,
  subscribeInput,
  type ClientToServerEvents,
  type CommandAck,
  type ServerToClientEvents,
} from "@stratavore/contracts";
import { runnerNode } from "../runners/runner-lifecycle.ts";
import { attachAgentNamespace } from "../nodes/agent-namespace.ts";
import type { Principal } from "../auth/principal.ts";
import { resolvePrincipal, type Credentials } from "../auth/resolve-principal.ts";
import { isSameOrigin } from "../auth/same-origin.ts";
import type { ApiDeps } from "../deps.ts";
import type { OutgoingEvent, RealtimeBus } from "../realtime/bus.ts";
import { joinCluster, type ClusterTransport } from "../cluster/socket-cluster.ts";
import { expectedAppError } from "../trpc/translate-error.ts";
import { TerminalSizes, type TerminalSize } from "../fleet/terminal-sizes.ts";

interface SocketData {
  principal: Principal;
  /** What the handshake presented, so the principal can be resolved again. */
  credentials: Credentials;
  /** When the principal was last resolved (ms). */
  checkedAt: number;
}

/** A privileged event re-resolves a principal older than this (holds across server instances). */
const RECHECK_MS = 1000;

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type RealtimeSocket = Parameters<Parameters<RealtimeServer["on"]>[1]>[0];

/**
 * Socket.IO on the same HTTP server. The handshake must carry the session cookie or an API
 * token (`auth.token`); anything else is refused before a connection exists.
 */
export function attachRealtime(
  http: HttpServer,
  deps: ApiDeps,
  cluster: ClusterTransport | null = null,
): { io: RealtimeServer; bus: RealtimeBus } {
  const io: RealtimeServer = new Server(http, {
    path: "/socket.io",
    serveClient: false,
    // Agents' connections are raised to SOCKET_MAX_MESSAGE_BYTES once authenticated (agent-namespace).
    maxHttpBufferSize: SOCKET_MESSAGE_BYTES,
    // Rooms, broadcasts and agent commands span every instance of a cluster.
    ...(cluster ? { adapter: cluster.adapter } : {}),
  });
  const peers = cluster ? joinCluster(io as Server, deps) : null;

  io.use(async (socket, next) => {
    try {
      const token = typeof socket.handshake.auth?.token === "string" ? socket.handshake.auth.token : undefined;
      const credentials: Credentials = { cookieHeader: socket.handshake.headers.cookie, bearer: token };
      const principal = await resolvePrincipal(deps.db, deps.config.authSecret, credentials);
      if (!principal) return next(Object.assign(new Error("UNAUTHENTICATED"), { data: { code: "UNAUTHENTICATED" } }));
      // A cookie rides along with requests from other sites' pages too (another port or a
      // sibling subdomain is "same site"): a browser handshake must come from our own origin.
      if (principal.via === "session" && !isSameOrigin(socket.handshake.headers, deps.config.allowedOrigins)) {
        return next(Object.assign(new Error("CROSS_SITE"), { data: { code: "CROSS_SITE" } }));
      }
      socket.data.principal = principal;
      socket.data.credentials = credentials;
      socket.data.checkedAt = Date.now();
      next();
    } catch {
      next(Object.assign(new Error("INTERNAL"), { data: { code: "INTERNAL" } }));
    }
  });

  /**
   * The socket's rights now: resolved again when older than RECHECK_MS (or when forced). A
   * socket whose token was revoked, whose sign-in ended or whose user was disabled is
   * disconnected; a demoted user's socket keeps watching with the lesser role.
   */
  const recheck = async (socket: RealtimeSocket, force = false): Promise<Principal | null> => {
    if (!force && Date.now() - socket.data.checkedAt < RECHECK_MS) return socket.data.principal;
    const principal = await resolvePrincipal(deps.db, deps.config.authSecret, socket.data.credentials);
    if (!principal) {
      socket.emit("session:ended", { reason: "Your access was revoked or your sign-in ended." });
      socket.disconnect(true);
      return null;
    }
    socket.data.principal = principal;
    socket.data.checkedAt = Date.now();
    return principal;
  };
  deps.access.onChange((userId) => {
    for (const socket of io.of("/").sockets.values())
      if (socket.data.principal?.user.id === userId) {
        // Stale at once, so an event racing the re-check below resolves afresh too.
        socket.data.checkedAt = 0;
        recheck(socket, true).catch((err: unknown) =>
          deps.log("error", "re-checking a socket's access failed", { userId, error: String(err) }),
        );
      }
  });

  /**
   * An async event handler whose failure (the database away, a peer unreachable) is answered,
   * never thrown: an unhandled rejection would end the whole server, and one viewer with a
   * terminal open during a database restart must not do that. An exhausted pool is SERVER_BUSY
   * (retry); any other fault is logged and answered INTERNAL.
   */
  const safely =
    <A extends unknown[]>(event: string, handler: (...args: A) => Promise<unknown>) =>
    (...args: A): void => {
      handler(...args).catch((err: unknown) => {
        const known = expectedAppError(err);
        if (!known) deps.log("error", "socket event failed", { event, error: String(err) });
        const ack = args.at(-1);
        if (typeof ack === "function")
          ack({ ok: false, code: known?.code ?? "INTERNAL", message: known?.message ?? "Server error" });
      });
    };

  const sizes = new TerminalSizes();
  /** A viewer left: the terminal goes back to the size of the latest viewer still there. */
  const restoreSize = async (runnerId: string, size: TerminalSize | null) => {
    const nodeId = size && (await runnerNode(deps, runnerId));
    if (nodeId && size) deps.fleet.agents.resize(nodeId, runnerId, size.cols, size.rows);
  };
  io.on("connection", (socket) => {
    // Keystrokes must reach the terminal in the order typed; a command may wait on a re-check
    // of the principal (a database read), so each waits for the one before it.
    let inOrder: Promise<unknown> = Promise.resolve();
    // After any resize still queued (inOrder): one recorded after its viewer left would be
    // put back when the next viewer leaves.
    socket.on("disconnect", () => {
      inOrder = inOrder.then(() => {
        for (const { runnerId, size } of sizes.leaveAll(socket.id))
          restoreSize(runnerId, size).catch((err: unknown) =>
            deps.log("warn", "restoring a terminal's size failed", { runnerId, error: String(err) }),
          );
      });
    });
    // In-app notifications reach every tab of the signed-in user.
    void socket.join(ROOMS.user(socket.data.principal.user.id));
    socket.on(
      "subscribe",
      safely("subscribe", async (raw: unknown, ack: unknown) => {
        const reply = typeof ack === "function" ? ack : () => {};
        const parsed = subscribeInput.safeParse(raw);
        // Every signed-in user may read fleet and project rooms (viewers read everything);
        // finer rules arrive with per-project permissions.
        if (!parsed.success || !isAllowedRoomName(parsed.data.room)) {
          reply({ ok: false, code: "VALIDATION", message: "Unknown room." });
          return;
        }
        await socket.join(parsed.data.room);
        reply({ ok: true });
      }),
    );
    socket.on("unsubscribe", (raw) => {
      const parsed = subscribeInput.safeParse(raw);
      if (parsed.success) void socket.leave(parsed.data.room);
    });

    // Terminal: anyone signed in may watch; typing and resizing need operator and `write`.
    socket.on(
      "runner:attach",
      safely("runner:attach", async (raw: unknown, ack: unknown) => {
        const reply = typeof ack === "function" ? ack : () => {};
        const parsed = runnerAttachInput.safeParse(raw);
        if (!parsed.success) return reply({ ok: false, code: "VALIDATION", message: "Bad runner id." });
        if (!(await runnerExists(deps.db, parsed.data.runnerId)))
          return reply({ ok: false, code: "NOT_FOUND", message: "No such runner." });
        await socket.join(ROOMS.runner(parsed.data.runnerId));
        const here = deps.fleet.scrollback.since(parsed.data.runnerId);
        // The screen is kept where the runner's agent is connected: maybe another instance.
        const chunks = here.length === 0 && peers ? await peers.scrollbackFromPeers(parsed.data.runnerId) : here;
        reply({ ok: true, chunks });
      }),
    );
    socket.on("runner:detach", (raw) => {
      const parsed = runnerAttachInput.safeParse(raw);
      if (!parsed.success) return;
      void socket.leave(ROOMS.runner(parsed.data.runnerId));
      const { runnerId } = parsed.data;
      inOrder = inOrder.then(() =>
        restoreSize(runnerId, sizes.leave(runnerId, socket.id)).catch((err: unknown) =>
          deps.log("warn", "restoring a terminal's size failed", { runnerId, error: String(err) }),
        ),
      );
    });
    const command = async (
      raw: unknown,
      schema: typeof runnerInputMessage | typeof runnerResizeMessage,
    ): Promise<CommandAck> => {
      const principal = await recheck(socket);
      if (!principal) return { ok: false, code: "UNAUTHENTICATED", message: "Your access has ended." };
      if (!roleAtLeast(principal.user.role, "operator") || !principal.scopes.includes("write"))
        return { ok: false, code: "FORBIDDEN", message: "Viewers cannot type into runners." };
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return { ok: false, code: "VALIDATION", message: "Bad terminal message." };
      const nodeId = await runnerNode(deps, parsed.data.runnerId);
      if (!nodeId) return { ok: false, code: "NOT_FOUND", message: "No such runner." };
      const p = parsed.data;
      const sent =
        "data" in p
          ? deps.fleet.agents.input(nodeId, p.runnerId, p.data)
          : deps.fleet.agents.resize(nodeId, p.runnerId, p.cols, p.rows);
      if (sent && !("data" in p) && socket.connected) sizes.set(p.runnerId, socket.id, { cols: p.cols, rows: p.rows });
      return sent
        ? { ok: true }
        : { ok: false, code: "NODE_UNAVAILABLE", message: "The runner's node is not connected." };
    };
    const queued = (raw: unknown, schema: typeof runnerInputMessage | typeof runnerResizeMessage, ack: unknown) => {
      inOrder = inOrder
        .then(() => command(raw, schema))
        .catch((err: unknown): CommandAck => {
          deps.log("error", "terminal command failed", { error: String(err) });
          return { ok: false, code: "INTERNAL", message: "Server error" };
        })
        .then((r) => typeof ack === "function" && (ack as (a: CommandAck) => void)(r));
    };
    socket.on("runner:input", (raw, ack) => queued(raw, runnerInputMessage, ack));
    socket.on("runner:resize", (raw, ack) => queued(raw, runnerResizeMessage, ack));
  });

  attachAgentNamespace(io as Server, deps);
  deps.metrics.countSocketsWith(() => ({
    "/": io.of("/").sockets.size,
    [AGENT_NAMESPACE]: io.of(AGENT_NAMESPACE).sockets.size,
  }));

  const bus: RealtimeBus = {
    publish(events: OutgoingEvent[]) {
      for (const e of events) {
        io.to(e.room).emit(e.event, e.payload as never);
        deps.metrics.realtimeMessages.inc({ direction: "out", event: e.event });
      }
    },
  };
  return { io, bus };
}
