"use client";
import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { ROOMS } from "@stratavore/contracts";
import { useRealtimeSocket } from "../../realtime/realtime-provider";
import { useTRPCClient } from "../../trpc";
import { TRANSCRIPT_PAGE, type TranscriptEntryView } from "./use-transcript-pages";

type Page = { entries: TranscriptEntryView[]; nextAfterId: string | null };

/**
 * A session being written keeps growing in an open viewer: the server says when lines were
 * archived (`session:appended` in the session's room), and a viewer that has read to the end
 * fetches what follows its last line and appends it as a page. Returns how many lines arrived
 * this way (the caller offers "jump to latest").
 */
export function useLiveTranscript(sessionId: string, atEnd: boolean, lastId: string | null): number {
  const socket = useRealtimeSocket();
  const client = useTRPCClient();
  const qc = useQueryClient();
  const [arrived, setArrived] = useState(0);
  const state = useRef({ atEnd, lastId, fetching: false, again: false });
  state.current.atEnd = atEnd;
  state.current.lastId = lastId;

  useEffect(() => {
    if (!socket) return;
    const room = ROOMS.session(sessionId);
    const key = ["sessions", "transcript", sessionId];
    const join = () => socket.emit("subscribe", { room }, () => undefined);
    const pull = async () => {
      const s = state.current;
      // Not at the end: the next page load reaches the new lines anyway.
      if (!s.atEnd) return;
      // Nothing loaded yet (opened before its first lines were archived): read it afresh.
      if (!s.lastId) {
        await qc.invalidateQueries({ queryKey: key });
        return;
      }
      if (s.fetching) {
        s.again = true;
        return;
      }
      s.fetching = true;
      try {
        const page = await client.sessions.entries.query({ id: sessionId, afterId: s.lastId, limit: TRANSCRIPT_PAGE });
        const after = s.lastId;
        const last = page.entries.at(-1);
        if (last) {
          // Moved on at once: a notice arriving before the next render must not fetch (and
          // append) the same lines again.
          s.lastId = last.id;
          qc.setQueryData<InfiniteData<Page, string | null>>(key, (old) => {
            if (!old) return old;
            const have = new Set(old.pages.flatMap((p) => p.entries.map((e) => e.id)));
            const fresh = { ...page, entries: page.entries.filter((e) => !have.has(e.id)) };
            return { pages: [...old.pages, fresh], pageParams: [...old.pageParams, after] };
          });
          setArrived((n) => n + page.entries.length);
        }
      } finally {
        s.fetching = false;
        if (s.again) {
          s.again = false;
          void pull();
        }
      }
    };
    const onAppended = (p: { sessionId: string }) => {
      if (p.sessionId === sessionId) void pull();
    };
    // After a reconnect, lines archived while away came with no notice: look for them.
    const rejoin = () => {
      join();
      void pull();
    };
    join();
    socket.on("connect", rejoin);
    socket.on("session:appended", onAppended);
    return () => {
      socket.off("connect", rejoin);
      socket.off("session:appended", onAppended);
      socket.emit("unsubscribe", { room });
    };
  }, [socket, client, qc, sessionId]);
  return arrived;
}
