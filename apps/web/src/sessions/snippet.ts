/** A piece of a search snippet: plain text, or a matched term the server wrapped in <mark>. */
export interface SnippetPart {
  text: string;
  mark: boolean;
}

/**
 * Splits a server snippet on its <mark>…</mark> tags. Everything else in it (including any
 * `<` the transcript itself contains) stays text, so rendering it can never inject markup.
 */
export function splitMarks(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let mark = false;
  for (const piece of snippet.split(/(<mark>|<\/mark>)/)) {
    if (piece === "<mark>") mark = true;
    else if (piece === "</mark>") mark = false;
    else if (piece) parts.push({ text: piece, mark });
  }
  return parts;
}
