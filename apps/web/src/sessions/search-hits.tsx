"use client";
import Link from "next/link";
import type { Session } from "@stratavore/contracts";
import { formatRelative } from "@stratavore/ui";
import { HighlightedSnippet } from "./highlighted-snippet";
import { sessionTitle } from "./session-format";

export interface SearchHit {
  session: Session;
  entryId: string;
  snippet: string;
  rank: number;
}

/** Ranked matches; each opens the transcript scrolled to the matching entry. */
export function SearchHits({ hits }: { hits: SearchHit[] }) {
  return (
    <ol className="hits">
      {hits.map((h) => (
        <li key={`${h.session.id}:${h.entryId}`}>
          <Link
            href={`/sessions/${h.session.id}?entry=${encodeURIComponent(h.entryId)}`}
            className="hit"
            data-testid="search-hit"
          >
            <span className="hit-head">
              <span className="strong">{sessionTitle(h.session)}</span>
              <span className="muted small">
                {h.session.projectName ?? "—"} · {formatRelative(h.session.lastMessageAt)}
              </span>
            </span>
            <HighlightedSnippet snippet={h.snippet} />
          </Link>
        </li>
      ))}
    </ol>
  );
}
