/**
 * The one reader of Claude message content (DESIGN §5): a message's `content` — a string or an
 * array of blocks — as typed blocks, for the archive's search text, the Markdown export, the
 * CLI viewer and the web viewer alike. Claude Code's format is not a published contract, so
 * every field is checked: a block of an unknown type, or without what it needs, is left out;
 * `null`, a number or an object where content belongs gives no blocks. Never throws.
 */
export type ContentBlock =
  | { kind: "text"; text: string }
  | { kind: "thinking"; text: string; redacted: boolean }
  | { kind: "tool_use"; name: string; input: unknown }
  | { kind: "tool_result"; text: string; isError: boolean }
  | { kind: "image" };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : "");

/** `resultMax`: collect at most about that many characters of each tool result (see toolResultText). */
export function readContentBlocks(content: unknown, opts: { resultMax?: number } = {}): ContentBlock[] {
  if (typeof content === "string") return content ? [{ kind: "text", text: content }] : [];
  if (!Array.isArray(content)) return [];
  const out: ContentBlock[] = [];
  for (const b of content) {
    if (!isObject(b)) continue;
    if (b.type === "text" && str(b.text)) out.push({ kind: "text", text: str(b.text) });
    else if (b.type === "thinking" && str(b.thinking))
      out.push({ kind: "thinking", text: str(b.thinking), redacted: false });
    else if (b.type === "redacted_thinking") out.push({ kind: "thinking", text: "(redacted)", redacted: true });
    else if (b.type === "tool_use" || b.type === "server_tool_use")
      out.push({ kind: "tool_use", name: str(b.name) || "tool", input: b.input });
    else if (b.type === "tool_result")
      out.push({ kind: "tool_result", text: toolResultText(b.content, opts.resultMax), isError: b.is_error === true });
    else if (b.type === "image") out.push({ kind: "image" });
  }
  return out;
}

/**
 * A tool result's content as text: a string as it is; text blocks joined by newlines, an image
 * as "[image]"; anything else (an object a tool returned) as JSON. `max` stops collecting once
 * that many characters are in (the archive caps search text; the rest would be cut anyway).
 */
export function toolResultText(content: unknown, max = Infinity): string {
  if (typeof content === "string") return content;
  if (content === undefined || content === null) return "";
  if (!Array.isArray(content)) return safeJson(content);
  const parts: string[] = [];
  let length = 0;
  for (const b of content) {
    if (length > max) break;
    const piece = isObject(b) && b.type === "text" ? str(b.text) : isObject(b) && b.type === "image" ? "[image]" : "";
    if (!piece) continue;
    parts.push(piece);
    length += piece.length + 1;
  }
  return parts.join("\n");
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, null, 2) ?? "";
  } catch {
    return "";
  }
}
