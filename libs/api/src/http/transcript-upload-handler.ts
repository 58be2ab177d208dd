import type { IncomingMessage, ServerResponse } from "node:http";
import { sessionExists } from "@stratavore/db";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import pLimit, { type LimitFunction } from "p-limit";
import { AppError, isSubagentFilePath, roleAtLeast } from "@stratavore/contracts";
import { isSessionId, LineSplitter, transcriptEntries } from "@stratavore/runner";
import { bearerFrom, resolvePrincipal } from "../auth/resolve-principal.ts";
import { canArchiveImport, finishImportedArchive, openImportedArchive } from "../sessions/archive-service.ts";
import type { ApiDeps } from "../deps.ts";
import { replyError, replyJson } from "./plain-reply.ts";

export const TRANSCRIPT_UPLOAD_PATH = "/api/import/transcript";
/** One transcript file; far above real sessions (a long one is tens of MB), bounded all the same. */
const MAX_BYTES = 1024 * 1024 * 1024;
/**
 * Uploads stored at once, server-wide. Each holds a pooled connection (its COPY) while its body
 * arrives, so however many imports run, or however slowly a client sends, uploads take at most
 * this many connections from everyone else; the rest wait their turn (their senders held by
 * TCP's flow control). `stratavore import` sends two at a time.
 */
const UPLOADS_AT_ONCE = 2;

/**
 * `stratavore import` sends each transcript file here after `usage.import` created its session,
 * so imported sessions are archived exactly as a runner's agent archives them — searchable,
 * exportable, and resumable after a restore (DESIGN §5). The body is the raw JSONL (gzip when
 * `content-encoding: gzip`), streamed line by line: a transcript is never whole in memory, and
 * no line is too long for it as it would be for a tRPC call. API tokens only (no cookies, so
 * no cross-site request can reach it), operator role, write scope.
 *   POST /api/import/transcript?session=<id>&file=<"" | agent-….jsonl>[&offset=<bytes>]
 * With `offset`, the body is the file from that byte on (what was appended since an earlier
 * upload of it), so each line keeps its place in the file.
 */
export function createTranscriptUploadHandler(deps: ApiDeps, opts: { idleMs: number }) {
  const slots = pLimit(UPLOADS_AT_ONCE);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const lines = await receive(deps, req, slots, opts.idleMs);
      replyJson(res, 200, { ok: true, lines });
    } catch (err) {
      replyError(res, err, (msg, error) => deps.log("error", `transcript upload: ${msg}`, { error }));
    }
  };
}

async function receive(deps: ApiDeps, req: IncomingMessage, slots: LimitFunction, idleMs: number): Promise<number> {
  if (req.method !== "POST") throw new AppError("VALIDATION", "POST the transcript file.");
  const bearer = bearerFrom(req.headers.authorization);
  if (!bearer) throw new AppError("UNAUTHENTICATED", "Send an API token (Authorization: Bearer …).");
  const principal = await resolvePrincipal(deps.db, deps.config.authSecret, { cookieHeader: undefined, bearer });
  if (!principal) throw new AppError("UNAUTHENTICATED", "The API token is not valid.");
  if (!roleAtLeast(principal.user.role, "operator")) throw new AppError("FORBIDDEN", "This needs the operator role.");
  if (!principal.scopes.includes("write")) throw new AppError("TOKEN_SCOPE", "This API token lacks the write scope.");

  const url = new URL(req.url ?? "/", "http://upload");
  const sessionId = url.searchParams.get("session") ?? "";
  const file = url.searchParams.get("file") ?? "";
  if (!isSessionId(sessionId)) throw new AppError("VALIDATION", "session must be a session id.");
  if (file !== "" && !isSubagentFilePath(file))
    throw new AppError(
      "VALIDATION",
      "file must be empty (the main transcript) or a sub-agent file's path under subagents/ (agent-….jsonl, in up to 8 folders).",
    );
  const from = Number(url.searchParams.get("offset") ?? "0");
  if (!Number.isSafeInteger(from) || from < 0)
    throw new AppError("VALIDATION", "offset must be a whole number of bytes, 0 or more.");
  if (!(await sessionExists(deps.db, sessionId)))
    throw new AppError("NOT_FOUND", "No such session; import its usage first (usage.import).");

  return slots(async () => {
    // Holding a slot (and a connection), a sender must keep sending: one that trickles a byte
    // now and then held both slots for five minutes, and every other upload waited (the
    // attacker review). Silent for idleMs, or slower than MIN_BYTES_PER_SECOND over that long
    // of waiting, the upload is cut off and its COPY rolled back.
    req.setTimeout(idleMs, () => req.destroy(new UploadStalled(idleMs)));
    try {
      return await store(deps, req, sessionId, file, from, idleMs);
    } finally {
      // Its body is read: the connection may go on idle (keep-alive), and the answer may take time.
      req.setTimeout(0);
    }
  });
}

/** A sender this slow (after idleMs spent waiting for it) is taken for one holding a slot on purpose. */
const MIN_BYTES_PER_SECOND = 1024;

class UploadStalled extends Error {
  constructor(readonly idleMs: number) {
    super("upload stalled");
  }
}

/**
 * A session a runner worked on is archived by its agent; the upload is read and dropped.
 * Otherwise its lines stream into the archive's COPY as they arrive, as the server's own
 * import does: no batch of lines waits in memory for a statement.
 */
async function store(
  deps: ApiDeps,
  req: IncomingMessage,
  sessionId: string,
  file: string,
  from: number,
  idleMs: number,
): Promise<number> {
  const archive = (await canArchiveImport(deps, sessionId)) ? await openImportedArchive(deps, sessionId) : null;
  let added = 0;
  try {
    const splitter = new LineSplitter();
    let offset = from;
    // Time spent waiting for the sender only (not for our own writes), and what it brought.
    let waitedMs = 0;
    const body = bodyOf(req)[Symbol.asyncIterator]();
    for (;;) {
      const asked = Date.now();
      const next = await body.next();
      if (next.done) break;
      const chunk = next.value;
      waitedMs += Date.now() - asked;
      if (waitedMs > idleMs && ((offset - from + chunk.length) * 1000) / waitedMs < MIN_BYTES_PER_SECOND)
        throw new AppError(
          "VALIDATION",
          `The upload is too slow: ${offset - from + chunk.length} bytes in ${Math.round(waitedMs / 1000)} s of waiting (at least ${MIN_BYTES_PER_SECOND} bytes a second).`,
        );
      if (offset - from + chunk.length > MAX_BYTES)
        throw new AppError("VALIDATION", `A transcript file may be at most ${MAX_BYTES} bytes.`);
      for (const line of splitter.pushLines(chunk, offset))
        await archive?.write(transcriptEntries(line.text, { file, offset: line.start }, line.raw));
      offset += chunk.length;
    }
    const tailStart = offset - splitter.pendingBytes;
    const tail = splitter.flushLine();
    if (tail !== null) await archive?.write(transcriptEntries(tail.text, { file, offset: tailStart }, tail.raw));
  } catch (err) {
    await archive?.abort();
    throw err;
  }
  if (archive) {
    added = await archive.finish();
    await finishImportedArchive(deps, sessionId);
  }
  return added;
}

/**
 * The request body, inflated when it says gzip. A body that is not what it says, or one cut off
 * before its end (the sender stopped or was cut off), is bad input: the upload then lets go of its
 * slot and its connection instead of waiting for bytes that will not come.
 */
async function* bodyOf(req: IncomingMessage): AsyncGenerator<Buffer> {
  // pipeline, not pipe: a request that ends early must end the inflater too.
  const body = req.headers["content-encoding"] === "gzip" ? pipeline(req, createGunzip(), () => undefined) : req;
  try {
    yield* body as AsyncIterable<Buffer>;
  } catch (err) {
    if (err instanceof UploadStalled)
      throw new AppError("VALIDATION", `The upload stalled: nothing arrived for ${err.idleMs / 1000} s.`);
    const code = (err as NodeJS.ErrnoException).code ?? "";
    if (code.startsWith("Z_"))
      throw new AppError("VALIDATION", "The body says content-encoding: gzip but is not gzip data.");
    if (req.destroyed || code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE")
      throw new AppError("VALIDATION", "The upload was cut off before the end of its body.");
    throw err;
  }
}
