import { splitMarks } from "./snippet";

/** A search snippet with its matched terms in <mark>, built as React text nodes (never raw HTML). */
export function HighlightedSnippet({ snippet }: { snippet: string }) {
  return (
    <span className="snippet">
      {splitMarks(snippet).map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </span>
  );
}
