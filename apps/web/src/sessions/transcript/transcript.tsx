"use client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Alert, Button, EmptyState, ErrorState, LoadingState, formatCount } from "@stratavore/ui";
import { errorMessage } from "../../hooks/use-error-message";
import { isBookkeeping } from "./bookkeeping";
import { TranscriptEntry } from "./transcript-entry";
import { useLiveTranscript } from "./use-live-transcript";
import { useTranscriptPages } from "./use-transcript-pages";

/** Entries added to the DOM per step, and the most kept at once (older ones are dropped from the top). */
const CHUNK = 200;
const MAX_RENDERED = 800;
/** Entries shown above a deep-linked one, for context. */
const CONTEXT_ABOVE = 20;

type Window = { start: number; end: number };

/**
 * The transcript as a sliding window over the loaded entries: a sentinel below the last one
 * (IntersectionObserver, with a Load more button as fallback) extends it and fetches the next
 * page; past MAX_RENDERED the top is trimmed, so 10,000+ entries never pile up in the DOM.
 * Browsers' scroll anchoring keeps the view still when the top is trimmed or restored.
 * With `targetEntryId` (?entry=…) it fetches pages until that entry arrives, then jumps to it.
 */
export function Transcript({ sessionId, targetEntryId }: { sessionId: string; targetEntryId?: string }) {
  const { query, entries: all } = useTranscriptPages(sessionId);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isError } = query;
  // Bookkeeping records (file-history snapshots) say nothing to a reader: hidden unless asked.
  const [showAll, setShowAll] = useState(false);
  // A link to a bookkeeping record (a search hit in one) shows them all, or it would never be found.
  const linkedBookkeeping = Boolean(targetEntryId && all.some((e) => e.id === targetEntryId && isBookkeeping(e.type)));
  if (linkedBookkeeping && !showAll) setShowAll(true);
  const entries = useMemo(() => (showAll ? all : all.filter((e) => !isBookkeeping(e.type))), [all, showAll]);
  const hidden = all.length - entries.length;
  const arrived = useLiveTranscript(sessionId, !hasNextPage && !query.isPending, all.at(-1)?.id ?? null);
  const [seenArrived, setSeenArrived] = useState(0);
  // Whether the reader is at the bottom: new lines then simply appear; otherwise a button says so.
  const [atBottom, setAtBottom] = useState(false);
  if (atBottom && seenArrived !== arrived) setSeenArrived(arrived);
  const [win, setWin] = useState<Window>({ start: 0, end: CHUNK });
  const [jumpedTo, setJumpedTo] = useState<string | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);

  const targetIndex = targetEntryId ? entries.findIndex((e) => e.id === targetEntryId) : -1;
  const seeking = Boolean(targetEntryId) && targetIndex < 0 && !isError && (query.isPending || hasNextPage);

  // Deep link: keep paging until the entry is loaded (each page is one request, in order).
  useEffect(() => {
    if (seeking && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [seeking, hasNextPage, isFetchingNextPage, fetchNextPage]);

  // Found: move the window around it once (state adjusted during render, React's pattern for
  // deriving state from a change), then scroll to it after that render lands.
  if (targetEntryId && targetIndex >= 0 && jumpedTo !== targetEntryId) {
    setJumpedTo(targetEntryId);
    setWin({ start: Math.max(0, targetIndex - CONTEXT_ABOVE), end: Math.max(targetIndex + CHUNK, CHUNK) });
  }
  useEffect(() => {
    if (!jumpedTo) return;
    list.current?.querySelector(`[data-entry-id="${CSS.escape(jumpedTo)}"]`)?.scrollIntoView({ block: "center" });
  }, [jumpedTo]);

  const more = win.end < entries.length || hasNextPage;
  const advance = useCallback(() => {
    if (win.end < entries.length)
      setWin((w) => ({ start: Math.max(w.start, w.end + CHUNK - MAX_RENDERED), end: w.end + CHUNK }));
    else if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [win.end, entries.length, hasNextPage, isFetchingNextPage, fetchNextPage]);
  const showEarlier = () =>
    setWin((w) => {
      const start = Math.max(0, w.start - CHUNK);
      return { start, end: Math.min(w.end, start + MAX_RENDERED) };
    });

  // Re-created whenever `advance` changes, so a sentinel that is still on screen after a step
  // fires again (an observer only reports changes, and a fresh one reports its first state).
  useEffect(() => {
    const el = sentinel.current;
    if (!el || seeking || typeof IntersectionObserver === "undefined") return;
    const io = new IntersectionObserver(
      (seen) => {
        const inView = seen.some((s) => s.isIntersecting);
        setAtBottom(inView);
        if (inView) advance();
      },
      { rootMargin: "600px 0px" },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [advance, seeking]);

  if (query.isPending) return <LoadingState label="Loading transcript…" />;
  if (query.isError && entries.length === 0)
    return <ErrorState {...errorMessage(query.error)} onRetry={() => query.refetch()} />;
  if (entries.length === 0) return <EmptyState title="No transcript lines recorded" />;

  const visible = entries.slice(win.start, Math.min(win.end, entries.length));
  const fresh = arrived - seenArrived;
  const jumpToLatest = () => {
    setSeenArrived(arrived);
    setWin({ start: Math.max(0, entries.length - CHUNK), end: entries.length + CHUNK });
    requestAnimationFrame(() => list.current?.lastElementChild?.scrollIntoView({ block: "end" }));
  };
  return (
    <div className="transcript-wrap">
      <div className="transcript-tools">
        {hidden > 0 || showAll ? (
          <label className="check small">
            <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} /> Show bookkeeping
            records{hidden > 0 ? ` (${formatCount(hidden)} hidden)` : ""}
          </label>
        ) : null}
      </div>
      {seeking ? (
        <div className="state state-loading" role="status">
          Finding the linked entry… {formatCount(entries.length)} lines loaded
        </div>
      ) : null}
      {targetEntryId && targetIndex < 0 && !seeking ? (
        <Alert tone="warning">The linked entry is not in this transcript.</Alert>
      ) : null}
      {win.start > 0 ? (
        <Button size="sm" className="btn-block" onClick={showEarlier}>
          Show earlier entries ({formatCount(win.start)} above)
        </Button>
      ) : null}
      <div className="transcript" data-testid="transcript" ref={list}>
        {visible.map((e) => (
          <TranscriptEntry key={e.id} entry={e} highlighted={e.id === targetEntryId} />
        ))}
      </div>
      {fresh > 0 ? (
        <div className="jump-latest-bar">
          <Button size="sm" variant="primary" onClick={jumpToLatest} data-testid="jump-latest">
            {formatCount(fresh)} new {fresh === 1 ? "line" : "lines"} · Jump to latest ↓
          </Button>
        </div>
      ) : null}
      <div ref={sentinel} className="transcript-foot">
        {isError ? (
          <span className="inline-error" role="alert">
            {errorMessage(query.error).message}
          </span>
        ) : null}
        {more ? (
          <Button size="sm" busy={isFetchingNextPage} onClick={advance}>
            Load more
          </Button>
        ) : (
          <span className="muted small">
            End of transcript · {formatCount(entries.length)}{" "}
            {showAll ? "lines" : `of ${formatCount(all.length)} lines shown`}
          </span>
        )}
      </div>
    </div>
  );
}
