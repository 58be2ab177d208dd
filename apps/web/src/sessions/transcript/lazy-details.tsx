"use client";
import { useState, type ReactNode } from "react";

/**
 * A <details> whose body is only built while open: a closed tool result of 200 KB then costs
 * one line of DOM, which is what keeps long transcripts light.
 */
export function LazyDetails({
  summary,
  className,
  children,
}: {
  summary: ReactNode;
  className?: string;
  children: () => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  return (
    <details className={`block ${className ?? ""}`.trim()} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {open ? <div className="block-body">{children()}</div> : null}
    </details>
  );
}
