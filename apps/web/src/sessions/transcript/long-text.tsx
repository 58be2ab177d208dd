"use client";
import { useState } from "react";
import { formatCount } from "@stratavore/ui";

const LIMIT = 20_000;

/** Text cut at 20k characters until asked for the rest, so one huge paste cannot stall layout. */
export function LongText({ text }: { text: string }) {
  const [all, setAll] = useState(false);
  if (all || text.length <= LIMIT) return <>{text}</>;
  return (
    <>
      {text.slice(0, LIMIT)}
      {"\n"}
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => setAll(true)}>
        Show all {formatCount(text.length)} characters
      </button>
    </>
  );
}
