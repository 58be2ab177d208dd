"use client";
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect } from "react";
import { useRealtimeSocket } from "./realtime-provider";
import { refreshList } from "./refresh-list";
import { throttle } from "./throttle";

/** At most one refetch per this long, however busy the fleet: a list page is not a ticker. */
const EVERY_MS = 5000;

/**
 * Keeps a list that the fleet's events change but do not carry (sessions: a runner started
 * one, ended one, or spent in it) current while it is open: on `runner:status` and
 * `usage:update` from the fleet room the tab already listens to, the query under `key` is
 * fetched again, throttled. `enabled: false` (a search's results) leaves it as it is.
 */
export function useRefreshOnFleetChange(key: QueryKey, enabled = true): void {
  const socket = useRealtimeSocket();
  const qc = useQueryClient();
  const keyText = JSON.stringify(key);
  useEffect(() => {
    if (!socket || !enabled) return;
    let open = true;
    const refresh = throttle(() => {
      if (open) void refreshList(qc, JSON.parse(keyText) as QueryKey);
    }, EVERY_MS);
    socket.on("runner:status", refresh);
    socket.on("usage:update", refresh);
    return () => {
      open = false;
      socket.off("runner:status", refresh);
      socket.off("usage:update", refresh);
    };
  }, [socket, qc, keyText, enabled]);
}
