import { readContentBlocks, type ContentBlock } from "@stratavore/contracts";

/**
 * Turns an archived transcript line (`entry.raw`, the parsed JSONL object) into blocks to draw.
 * Claude Code's format is not a published contract, so every field is checked and anything
 * unrecognised falls back to the server's extracted `text` rather than disappearing.
 */
export type Block = ContentBlock;

/** How the entry as a whole should look. */
export type EntryKind = "user" | "assistant" | "tool" | "system" | "summary" | "compaction" | "meta" | "other";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : "");

export function parseEntry(entry: { type: string; role: string | null; text: string; raw: unknown }): {
  kind: EntryKind;
  blocks: Block[];
  model?: string;
} {
  const raw = isObject(entry.raw) ? entry.raw : {};
  const message = isObject(raw.message) ? raw.message : undefined;
  const fallback = (kind: EntryKind, text = entry.text) => ({
    kind,
    blocks: text ? [{ kind: "text" as const, text }] : [],
  });

  if (entry.type === "summary") return fallback("summary", str(raw.summary) || entry.text);
  if (entry.type === "system")
    return fallback(raw.subtype === "compact_boundary" ? "compaction" : "system", str(raw.content) || entry.text);

  const blocks = readContentBlocks(message?.content);
  const shown = blocks.length ? blocks : fallback("other").blocks;
  if (raw.isCompactSummary === true) return { kind: "compaction", blocks: shown };
  if (raw.isMeta === true) return { kind: "meta", blocks: shown };
  const role = entry.role ?? str(message?.role);
  if (role === "assistant") return { kind: "assistant", blocks: shown, model: str(message?.model) || undefined };
  if (role === "user")
    return {
      kind: blocks.length > 0 && blocks.every((b) => b.kind === "tool_result") ? "tool" : "user",
      blocks: shown,
    };
  return { kind: "other", blocks: shown };
}

/** A one-line hint of what a tool call does, for its collapsed header. */
export function toolInputPreview(input: unknown): string {
  if (!isObject(input)) return "";
  for (const key of ["command", "file_path", "path", "pattern", "url", "query", "description", "prompt"]) {
    const v = input[key];
    if (typeof v === "string" && v) return (v.split("\n", 1)[0] ?? "").slice(0, 120);
  }
  return "";
}

/** Prose and ```fenced``` code, in order; an unclosed fence runs to the end of the text. */
export type TextPart = { kind: "prose"; text: string } | { kind: "code"; lang: string; code: string };

export function splitFences(text: string): TextPart[] {
  const parts: TextPart[] = [];
  const fence = /^[ \t]*```([^\n`]*)\n([\s\S]*?)(?:^[ \t]*```[ \t]*$|(?![\s\S]))/gm;
  let last = 0;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    if (m.index > last) parts.push({ kind: "prose", text: text.slice(last, m.index) });
    parts.push({ kind: "code", lang: (m[1] ?? "").trim(), code: (m[2] ?? "").replace(/\n$/, "") });
    last = m.index + m[0].length;
    if (m[0].length === 0) fence.lastIndex++;
  }
  if (last < text.length) parts.push({ kind: "prose", text: text.slice(last) });
  return parts.filter((p) => p.kind === "code" || p.text.trim() !== "");
}
