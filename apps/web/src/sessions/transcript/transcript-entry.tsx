"use client";
import { memo, useMemo } from "react";
import { Badge } from "@stratavore/ui";
import { parseEntry, type EntryKind } from "../entry-blocks";
import { EntryBlock } from "./entry-block";
import type { TranscriptEntryView } from "./use-transcript-pages";

const LABELS: Record<EntryKind, string> = {
  user: "User",
  assistant: "Claude",
  tool: "Tool result",
  system: "System",
  summary: "Summary",
  compaction: "Compacted context",
  meta: "Meta",
  other: "",
};

/**
 * One transcript line. Memoised: appending a page must not re-render the thousands above it
 * (entries are immutable objects from the query cache, so identity comparison is exact).
 */
export const TranscriptEntry = memo(function TranscriptEntry({
  entry,
  highlighted,
}: {
  entry: TranscriptEntryView;
  highlighted: boolean;
}) {
  const parsed = useMemo(() => parseEntry(entry), [entry]);
  const classes = [
    "entry",
    `entry-${parsed.kind}`,
    entry.isSidechain ? "entry-sidechain" : "",
    highlighted ? "entry-target" : "",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <article className={classes} data-testid="entry" data-entry-id={entry.id}>
      <header className="entry-head">
        <span className="entry-role">{LABELS[parsed.kind] || entry.type}</span>
        {entry.isSidechain ? (
          <Badge tone="purple" title={entry.file || "sub-agent"}>
            sub-agent
          </Badge>
        ) : null}
        {parsed.model ? <span className="muted small mono hide-sm">{parsed.model}</span> : null}
        {entry.timestamp ? (
          <time className="muted small right" dateTime={entry.timestamp.toISOString()}>
            {entry.timestamp.toLocaleString()}
          </time>
        ) : null}
      </header>
      {parsed.blocks.length ? (
        parsed.blocks.map((b, i) => <EntryBlock key={i} block={b} />)
      ) : (
        <div className="muted small">(no content)</div>
      )}
    </article>
  );
});
