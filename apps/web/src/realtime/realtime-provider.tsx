"use client";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { io, type Socket } from "socket.io-client";
import { ROOMS, type ClientToServerEvents, type ServerToClientEvents } from "@stratavore/contracts";
import { useTRPC, useTRPCClient } from "../trpc";
import { catchUp } from "./catch-up";
import { createFleetSync } from "./fleet-sync";
import { applyProjectDelete, applyProjectUpsert, SeqGuard } from "./project-cache";
import { RunnerUsageStore } from "./runner-usage-store";
import { createUsageSync } from "./usage-sync";

/** "stale": connected, but changes missed while away could not be loaded yet (retrying). */
export type LiveState = "connecting" | "live" | "stale" | "offline";
const LiveContext = createContext<LiveState>("connecting");
export const useLiveState = () => useContext(LiveContext);

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const SocketContext = createContext<ClientSocket | null>(null);
/** The tab's one socket, for features with their own rooms (a runner's terminal); null until created. */
export const useRealtimeSocket = () => useContext(SocketContext);

type FleetSync = ReturnType<typeof createFleetSync>;
const FleetContext = createContext<Pick<FleetSync, "placeRunner" | "placeNode"> | null>(null);
/** Puts a runner or node returned by a mutation into the caches the same way a pushed event would. */
export function useFleetCache() {
  const fleet = useContext(FleetContext);
  if (!fleet) throw new Error("useFleetCache outside RealtimeProvider");
  return fleet;
}

const RunnerUsageContext = createContext<RunnerUsageStore | null>(null);
/** Per-runner token and dollar totals, kept current by `usage:update`. */
export function useRunnerUsageStore() {
  const store = useContext(RunnerUsageContext);
  if (!store) throw new Error("useRunnerUsageStore outside RealtimeProvider");
  return store;
}

/**
 * One Socket.IO connection per tab (session cookie auth). On every (re)connect it
 * subscribes first and backfills second, so no change falls between the two.
 */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [state, setState] = useState<LiveState>("connecting");
  const [socket, setSocket] = useState<ClientSocket | null>(null);
  // Outlives the effect (and React's double mount), so seq guards and mutation results share it.
  const [fleet] = useState(() => createFleetSync(qc, trpc));
  const [runnerUsage] = useState(() => new RunnerUsageStore());
  const [usage] = useState(() => createUsageSync(qc, trpc, runnerUsage));

  useEffect(() => {
    const guard = new SeqGuard();
    const socket: ClientSocket = io({ path: "/socket.io", withCredentials: true });
    setSocket(socket);

    const backfillProjects = async () => {
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

    // "Live" only once what was missed is loaded: a failed backfill says so and tries again.
    let cancelCatchUp = () => {};
    let caughtUpBefore = false;
    socket.on("connect", async () => {
      const ack = await socket.emitWithAck("subscribe", { room: ROOMS.fleet });
      if (!ack.ok) return setState("offline");
      cancelCatchUp();
      const firstConnect = !caughtUpBefore;
      caughtUpBefore = true;
      cancelCatchUp = catchUp({
        backfills: [backfillProjects, () => fleet.backfill(), () => usage.backfill(firstConnect)],
        connected: () => socket.connected,
        setState,
      });
    });
    socket.on("disconnect", () => {
      cancelCatchUp();
      setState("offline");
    });
    socket.on("connect_error", () => setState("offline"));
    socket.on("project:upsert", ({ seq, project }) => {
      if (guard.accept(project.id, seq)) applyProjectUpsert(qc, project);
      guard.advance(seq);
    });
    socket.on("project:delete", ({ seq, id }) => {
      if (guard.accept(id, seq)) applyProjectDelete(qc, id);
      guard.advance(seq);
    });
    socket.on("runner:status", fleet.runnerStatus);
    socket.on("runner:metrics", fleet.runnerMetrics);
    socket.on("runner:activity", fleet.runnerActivity);
    socket.on("node:status", fleet.nodeStatus);
    socket.on("usage:update", usage.usageUpdate);
    // A queue or pool changed: its panels refetch (they are small, and only open pages ask).
    socket.on("pool:changed", () => {
      void qc.invalidateQueries({ queryKey: trpc.tasks.list.pathKey() });
      void qc.invalidateQueries({ queryKey: trpc.pools.get.pathKey() });
    });
    socket.on("budget:update", usage.budgetUpdate);
    // Signed out elsewhere, password changed, access revoked: asking who we are again sends
    // the page to the login screen (RequireAuth) instead of leaving it silently offline.
    socket.on("session:ended", () => void qc.invalidateQueries({ queryKey: trpc.auth.whoami.queryKey() }));
    return () => {
      cancelCatchUp();
      socket.disconnect();
      setSocket(null);
    };
  }, [qc, trpc, client, fleet, usage]);

  return (
    <LiveContext.Provider value={state}>
      <SocketContext.Provider value={socket}>
        <FleetContext.Provider value={fleet}>
          <RunnerUsageContext.Provider value={runnerUsage}>{children}</RunnerUsageContext.Provider>
        </FleetContext.Provider>
      </SocketContext.Provider>
    </LiveContext.Provider>
  );
}
