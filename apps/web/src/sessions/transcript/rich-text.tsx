"use client";
import { useMemo } from "react";
import { splitFences } from "../entry-blocks";
import { LongText } from "./long-text";

/** Message text: prose keeps its line breaks, ```fences``` become <pre><code>. */
export function RichText({ text }: { text: string }) {
  const parts = useMemo(() => splitFences(text), [text]);
  return (
    <>
      {parts.map((p, i) =>
        p.kind === "code" ? (
          <pre key={i} className="code">
            <code data-lang={p.lang || undefined}>
              <LongText text={p.code} />
            </code>
          </pre>
        ) : (
          <div key={i} className="prose">
            <LongText text={p.text} />
          </div>
        ),
      )}
    </>
  );
}
