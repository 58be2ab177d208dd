import {
  RAW_PART_BYTES,
  RAW_PARTS_MAX,
  readContentBlocks,
  transcriptEntrySchema,
  type TranscriptEntryInput,
} from "@stratavore/contracts";

/** Where a line sits: `file` "" for the main transcript, else the sub-agent file's name. */
export interface TranscriptLinePosition {
  file: string;
  offset: number;
}

/** Searchable text per piece and in total (DESIGN §5); the raw line keeps everything. */
export const ENTRY_TEXT_MAX = 100_000;
export const TOOL_INPUT_TEXT_MAX = 2_000;
export const TOOL_RESULT_TEXT_MAX = 5_000;
const UUID_MAX = 100;
const TYPE_MAX = 50;
const ROLE_MAX = 20;
const TOOL_NAME_MAX = 100;
const TOOL_NAMES_MAX = 50;
/** The contract's cap on `rawLine` (characters). */
export const RAW_LINE_MAX = 2_000_000;

const timestampSchema = transcriptEntrySchema.shape.timestamp;

type Json = Record<string, unknown>;

/**
 * One transcript line → its archive entry; null only for a blank line. Every other line is
 * archived so an export gives back the original bytes: lines without a `uuid` (summaries,
 * file snapshots, queue operations…) are keyed by their position (`@<file>:<offset>`, stable
 * because transcripts only grow), and a line that is not JSON is kept as type "malformed".
 * Fields the contract would reject are dropped to null or cut rather than losing the line,
 * so every entry passes `transcriptEntrySchema`. Never throws on input.
 *
 * `rawLine` is `line` itself, so `offset` + its UTF-8 length is the line's byte range. Only a
 * line longer than the contract allows (`RAW_LINE_MAX` characters) is cut: keeping the entry
 * keeps its text searchable and its parentUuid chain whole.
 */
export function parseTranscriptEntry(line: string, pos: TranscriptLinePosition): TranscriptEntryInput | null {
  if (line.trim() === "") return null;
  let parsed: unknown;
  try {
    // A byte-order mark (a file saved by an editor) is no part of the JSON; the raw line keeps it.
    parsed = JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
  } catch {
    parsed = null;
  }
  const positional = `@${pos.file}:${pos.offset}`;
  if (!isObject(parsed))
    return {
      ...EMPTY,
      uuid: positional,
      type: "malformed",
      file: pos.file,
      offset: pos.offset,
      rawLine: line.length > RAW_LINE_MAX ? cut(line, RAW_LINE_MAX) : line,
    };
  const uuid =
    typeof parsed.uuid === "string" && parsed.uuid !== "" && parsed.uuid.length <= UUID_MAX ? parsed.uuid : positional;
  const type =
    typeof parsed.type === "string" && parsed.type !== "" && parsed.type.length <= TYPE_MAX ? parsed.type : "unknown";

  const message = isObject(parsed.message) ? parsed.message : null;
  const role = typeof message?.role === "string" && message.role.length <= ROLE_MAX ? message.role : null;
  const text = new TextCollector();
  const toolNames = new Set<string>();
  if (message) collectContent(message.content, text, toolNames);
  if (type === "summary" && typeof parsed.summary === "string") text.add(parsed.summary);
  if (type === "system" && typeof parsed.content === "string") text.add(parsed.content);

  return {
    uuid,
    parentUuid:
      typeof parsed.parentUuid === "string" && parsed.parentUuid.length <= UUID_MAX ? parsed.parentUuid : null,
    type,
    role,
    text: text.value(),
    toolNames: [...toolNames].slice(0, TOOL_NAMES_MAX),
    isSidechain: parsed.isSidechain === true,
    timestamp:
      typeof parsed.timestamp === "string" && timestampSchema.safeParse(parsed.timestamp).success
        ? parsed.timestamp
        : null,
    file: pos.file,
    offset: pos.offset,
    rawLine: line.length > RAW_LINE_MAX ? cut(line, RAW_LINE_MAX) : line,
  };
}

/**
 * A line's archive entries: its entry, plus — when `rawLine` cannot give the line back byte
 * for byte (`raw` from the splitter: invalid UTF-8, NUL, a CR; or longer than `RAW_LINE_MAX`)
 * — its original bytes in parts under the transport's limit: part 0 on the entry, every
 * further part an entry of its own that the server appends in order (the same uuid; no text).
 */
export function transcriptEntries(line: string, pos: TranscriptLinePosition, raw?: Buffer): TranscriptEntryInput[] {
  const entry = parseTranscriptEntry(line, pos);
  if (!entry) return [];
  const bytes = raw ?? (line.length > RAW_LINE_MAX ? Buffer.from(line, "utf8") : null);
  if (!bytes) return [entry];
  const parts = Math.max(1, Math.ceil(bytes.length / RAW_PART_BYTES));
  // Past 48 MB (RAW_PARTS_MAX parts) a line keeps only its cut rawLine: no transcript line comes near it.
  if (parts > RAW_PARTS_MAX) return [entry];
  const base64 = (i: number) => bytes.toString("base64", i * RAW_PART_BYTES, (i + 1) * RAW_PART_BYTES);
  const out: TranscriptEntryInput[] = [{ ...entry, rawBytes: { part: 0, parts, base64: base64(0) } }];
  for (let i = 1; i < parts; i++)
    out.push({ ...entry, text: "", toolNames: [], rawLine: "", rawBytes: { part: i, parts, base64: base64(i) } });
  return out;
}

const EMPTY = {
  parentUuid: null,
  role: null,
  text: "",
  toolNames: [] as string[],
  isSidechain: false,
  timestamp: null,
};

function collectContent(content: unknown, text: TextCollector, toolNames: Set<string>): void {
  for (const block of readContentBlocks(content, { resultMax: TOOL_RESULT_TEXT_MAX })) {
    if (block.kind === "text") text.add(block.text);
    else if (block.kind === "thinking" && !block.redacted) text.add(block.text);
    else if (block.kind === "tool_use") {
      const name = block.name === "tool" ? "" : cut(block.name, TOOL_NAME_MAX);
      if (name !== "") toolNames.add(name);
      text.add(cut(`${name} ${compactJson(block.input)}`.trim(), TOOL_INPUT_TEXT_MAX));
    } else if (block.kind === "tool_result") text.add(cut(block.text, TOOL_RESULT_TEXT_MAX));
    // images: nothing to search
  }
}

function compactJson(input: unknown): string {
  if (input === undefined) return "";
  try {
    return JSON.stringify(input) ?? "";
  } catch {
    return "";
  }
}

/** Pieces joined by newlines, capped in total; NULs dropped (Postgres text cannot hold them). */
class TextCollector {
  private parts: string[] = [];
  private length = 0;

  add(piece: string): void {
    if (piece === "" || this.length >= ENTRY_TEXT_MAX) return;
    const clean = piece.includes("\u0000") ? piece.replaceAll("\u0000", "") : piece;
    if (clean === "") return;
    const sep = this.parts.length > 0 ? 1 : 0;
    const room = ENTRY_TEXT_MAX - this.length - sep;
    if (room <= 0) {
      this.length = ENTRY_TEXT_MAX;
      return;
    }
    const kept = cut(clean, room);
    this.parts.push(kept);
    this.length += sep + kept.length;
  }

  value(): string {
    return this.parts.join("\n");
  }
}

/** The first `max` UTF-16 units, never ending in half a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = isHighSurrogate(s.charCodeAt(max - 1)) ? max - 1 : max;
  return s.slice(0, end);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
