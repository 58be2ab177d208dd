import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import { isAllowedRoomName, subscribeInput, type ClientToServerEvents, type ServerToClientEvents } from "@stratavore/contracts";
import type { Principal } from "../auth/principal.ts";
import { resolvePrincipal } from "../auth/resolve-principal.ts";
import type { ApiDeps } from "../trpc/context.ts";
import type { OutgoingEvent, RealtimeBus } from "./bus.ts";

interface SocketData {
  principal: Principal;
}

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * Socket.IO on the same HTTP server. The handshake must carry the session cookie or an API
 * token (`auth.token`); anything else is refused before a connection exists.
 */
export function attachRealtime(http: HttpServer, deps: ApiDeps): { io: RealtimeServer; bus: RealtimeBus } {
  const io: RealtimeServer = new Server(http, { path: "/socket.io", serveClient: false, connectionStateRecovery: undefined });

  io.use(async (socket, next) => {
    try {
      const token = typeof socket.handshake.auth?.token === "string" ? socket.handshake.auth.token : undefined;
      const principal = await resolvePrincipal(deps.db, deps.config.authSecret, { cookieHeader: socket.handshake.headers.cookie, bearer: token });
      if (!principal) return next(Object.assign(new Error("UNAUTHENTICATED"), { data: { code: "UNAUTHENTICATED" } }));
      socket.data.principal = principal;
      next();
    } catch {
      next(Object.assign(new Error("INTERNAL"), { data: { code: "INTERNAL" } }));
    }
  });

  io.on("connection", (socket) => {
    socket.on("subscribe", async (raw, ack) => {
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
    });
    socket.on("unsubscribe", (raw) => {
      const parsed = subscribeInput.safeParse(raw);
      if (parsed.success) void socket.leave(parsed.data.room);
    });
  });

  const bus: RealtimeBus = {
    publish(events: OutgoingEvent[]) {
      for (const e of events) io.to(e.room).emit(e.event, e.payload as never);
    },
  };
  return { io, bus };
}
