"use client";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { io, type Socket } from "socket.io-client";
import { ROOMS, type ClientToServerEvents, type ServerToClientEvents } from "@stratavore/contracts";
import { useTRPC, useTRPCClient } from "../trpc";
import { applyProjectDelete, applyProjectUpsert, SeqGuard } from "./project-cache";

export type LiveState = "connecting" | "live" | "offline";
const LiveContext = createContext<LiveState>("connecting");
export const useLiveState = () => useContext(LiveContext);

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One Socket.IO connection per tab (session cookie auth). On every (re)connect it
 * subscribes first and backfills second, so no change falls between the two.
 */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [state, setState] = useState<LiveState>("connecting");

  useEffect(() => {
    const guard = new SeqGuard();
    const socket: ClientSocket = io({ path: "/socket.io", withCredentials: true });

    const backfill = async () => {
      if (guard.cursor === null) {
        const { seq } = await client.projects.changesSince.query({});
        guard.advance(seq);
        // First connect: lists loaded before the subscription may be stale; fetch them again.
        await qc.invalidateQueries({ queryKey: trpc.projects.pathKey() });
        return;
      }
      for (;;) {
        const res = await client.projects.changesSince.query({ afterSeq: guard.cursor });
        for (const p of res.upserted) if (guard.accept(p.id, res.seq)) applyProjectUpsert(qc, p);
        for (const id of res.deletedIds) if (guard.accept(id, res.seq)) applyProjectDelete(qc, id);
        guard.advance(res.seq);
        if (!res.hasMore) break;
      }
    };

    socket.on("connect", async () => {
      const ack = await socket.emitWithAck("subscribe", { room: ROOMS.fleet });
      if (!ack.ok) return setState("offline");
      await backfill().catch(() => undefined);
      setState("live");
    });
    socket.on("disconnect", () => setState("offline"));
    socket.on("connect_error", () => setState("offline"));
    socket.on("project:upsert", ({ seq, project }) => {
      if (guard.accept(project.id, seq)) applyProjectUpsert(qc, project);
      guard.advance(seq);
    });
    socket.on("project:delete", ({ seq, id }) => {
      if (guard.accept(id, seq)) applyProjectDelete(qc, id);
      guard.advance(seq);
    });
    return () => {
      socket.disconnect();
    };
  }, [qc, trpc, client]);

  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}
