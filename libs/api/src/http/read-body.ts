import type { IncomingMessage } from "node:http";
import { AppError } from "@stratavore/contracts";

/** A request's body, whole; past `maxBytes` it is refused PAYLOAD_TOO_LARGE and read no further. */
export async function readBodyBytes(req: IncomingMessage, maxBytes: number, tooLarge: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new AppError("PAYLOAD_TOO_LARGE", tooLarge);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A body's text as a JSON object, or VALIDATION saying what is wrong with it. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError("VALIDATION", "The body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new AppError("VALIDATION", "The body must be a JSON object.");
  return parsed as Record<string, unknown>;
}
