import { usageRecordSchema, type UsageRecordInput } from "@stratavore/contracts";

export type ParsedUsageLine = { kind: "usage"; record: UsageRecordInput } | { kind: "skip" } | { kind: "malformed" };

export interface UsageLineContext {
  /** The session the spend belongs to: for a sub-agent file, the parent session. */
  sessionId: string;
}

const SKIP: ParsedUsageLine = Object.freeze({ kind: "skip" });
const MALFORMED: ParsedUsageLine = Object.freeze({ kind: "malformed" });

// Claude Code writes compact JSON, so every assistant entry holds this exact text. Most
// lines of a transcript are other types (~70 KB per turn) and are dismissed without parsing.
const ASSISTANT_MARK = '"type":"assistant"';
// Claude's locally made messages (API errors, interruptions): no request, no spend.
const SYNTHETIC_MODEL = "<synthetic>";

/**
 * DESIGN §3 rule 1: one API response = its message.id, whatever the line's requestId,
 * isSidechain flag or file. A line without a message id falls back to its request id.
 */
export function responseKey(messageId: string | null, requestId: string | null): string | null {
  return messageId ?? (requestId ? `request:${requestId}` : null);
}

/**
 * One transcript line → the usage of one API response, or why not. Lines of other types,
 * synthetic messages and entries without message.id or usage are skipped; a line that is not
 * a JSON object, or an assistant entry whose fields have the wrong types, is malformed.
 * Never throws on input.
 */
export function parseUsageLine(line: string, ctx: UsageLineContext): ParsedUsageLine {
  const text = line.trim();
  if (text === "") return SKIP;
  // A write cut short (crash, full disk) almost never ends in '}': counted even when it is
  // not an assistant line, so lost lines show up in the malformed count.
  if (text[0] !== "{" || text[text.length - 1] !== "}") return MALFORMED;
  if (!text.includes(ASSISTANT_MARK)) return SKIP;
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return MALFORMED;
  }
  return parseUsageEntry(entry, ctx);
}

/** As parseUsageLine, for a line already parsed (JSON.parse once per line on the import path). */
export function parseUsageEntry(entry: unknown, ctx: UsageLineContext): ParsedUsageLine {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return MALFORMED;
  try {
    return usageFromEntry(entry as Record<string, unknown>, ctx);
  } catch (err) {
    if (err instanceof BadField) return MALFORMED;
    throw err;
  }
}

/** Thrown inside the reader only; the caller turns it into `malformed`. */
class BadField extends Error {}

function usageFromEntry(entry: Record<string, unknown>, ctx: UsageLineContext): ParsedUsageLine {
  // The mark can sit inside a nested value (a sub-agent result quoted in a user entry).
  if (entry.type !== "assistant") return SKIP;
  if (entry.message == null) return SKIP;
  const message = object(entry.message);
  const requestId = optionalText(entry.requestId);
  // An empty id names nothing, like a missing one (the request id keys the response then).
  const messageId = responseKey(optionalText(message.id), requestId);
  if (messageId === null) return SKIP;
  if (message.model === SYNTHETIC_MODEL) return SKIP;
  if (message.usage == null) return SKIP;
  const usage = object(message.usage);

  const cacheCreation = usage.cache_creation == null ? null : object(usage.cache_creation);
  const split5m = cacheCreation ? count(cacheCreation.ephemeral_5m_input_tokens) : null;
  const split1h = cacheCreation ? count(cacheCreation.ephemeral_1h_input_tokens) : null;
  const cacheWriteTotal = count(usage.cache_creation_input_tokens) ?? 0;
  // The split names the 1-hour share; the rest of the total is 5-minute writes. Older lines have
  // no split, and claude writes a split of zeros when the API sent none (gateways, Bedrock,
  // Vertex) — the total is then all there is, and reading the zeros lost every write (its
  // dollars too). A split larger than the total is taken as it is.
  const cacheWrite1h = split1h ?? 0;
  const cacheWrite5m = Math.max(split5m ?? 0, cacheWriteTotal - cacheWrite1h);
  const serverTools = usage.server_tool_use == null ? {} : object(usage.server_tool_use);

  const record = {
    messageId,
    requestId,
    sessionId: ctx.sessionId,
    model: text(message.model),
    serviceTier: optionalText(usage.service_tier),
    speed: optionalText(usage.speed),
    inputTokens: requiredCount(usage.input_tokens),
    outputTokens: requiredCount(usage.output_tokens),
    cacheWrite5mTokens: cacheWrite5m,
    cacheWrite1hTokens: cacheWrite1h,
    cacheReadTokens: count(usage.cache_read_input_tokens) ?? 0,
    webSearchRequests: count(serverTools.web_search_requests) ?? 0,
    webFetchRequests: count(serverTools.web_fetch_requests) ?? 0,
    isSidechain: entry.isSidechain == null ? false : bool(entry.isSidechain),
    occurredAt: text(entry.timestamp),
    // Where claude says the response was made (a copy in a resumed session's file names the
    // first session); an odd value is no claim, not a malformed line.
    lineSessionId:
      typeof entry.sessionId === "string" && entry.sessionId.length >= 1 && entry.sessionId.length <= 100
        ? entry.sessionId
        : null,
  };
  // The ledger validates with the same schema; a record it would reject (overlong id, bad
  // timestamp) is malformed here rather than a failed upload later.
  const checked = usageRecordSchema.safeParse(record);
  return checked.success ? { kind: "usage", record: checked.data } : MALFORMED;
}

function object(v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new BadField();
  return v as Record<string, unknown>;
}

function text(v: unknown): string {
  if (typeof v !== "string" || v === "") throw new BadField();
  return v;
}

function optionalText(v: unknown): string | null {
  if (v == null || v === "") return null;
  if (typeof v !== "string") throw new BadField();
  return v;
}

function bool(v: unknown): boolean {
  if (typeof v !== "boolean") throw new BadField();
  return v;
}

/** A token or request count: absent → null, anything but a non-negative integer → malformed. */
function count(v: unknown): number | null {
  if (v == null) return null;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new BadField();
  return v;
}

function requiredCount(v: unknown): number {
  const n = count(v);
  if (n === null) throw new BadField();
  return n;
}
