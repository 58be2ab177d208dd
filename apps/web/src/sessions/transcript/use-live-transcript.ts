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
      if (!s.atEnd || !s.lastId) return;
      if (s.fetching) {
        s.again = true;
        return;
      }
      s.fetching = true;
      try {
        const page = await client.sessions.entries.query({ id: sessionId, afterId: s.lastId, limit: TRANSCRIPT_PAGE });
        if (page.entries.length) {
          qc.setQueryData<InfiniteData<Page, string | null>>(key, (old) =>
            old ? { pages: [...old.pages, page], pageParams: [...old.pageParams, s.lastId] } : old,
          );
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
    join();
    socket.on("connect", join);
    socket.on("session:appended", onAppended);
    return () => {
      socket.off("connect", join);
      socket.off("session:appended", onAppended);
      socket.emit("unsubscribe", { room });
    };
  }, [socket, client, qc, sessionId]);
  return arrived;
}
