import { isUtf8 } from "node:buffer";
import { open } from "node:fs/promises";

const NEWLINE = 0x0a;

/** Big enough that a 10 MB transcript is ten reads, small enough to stay out of the way. */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/** One complete line and the byte offset of its first byte. */
export interface SplitLine {
  text: string;
  start: number;
  /** The line's bytes, only when `text` cannot give them back (see `lineAt`). */
  raw?: Buffer;
}

/**
 * The line in `buf` between `from` and `end` (its '\n' excluded): its text, without a trailing
 * '\r', and — when that text is not the line byte for byte (invalid UTF-8 decoded as U+FFFD, a
 * NUL that the database cannot store, the '\r' removed) — a copy of its bytes, so an export
 * can give back exactly what claude wrote. Both checks are native scans.
 */
export function lineAt(buf: Buffer, from: number, end: number): { text: string; raw?: Buffer } {
  const bytes = buf.subarray(from, end);
  const text = stripCr(buf.toString("utf8", from, end));
  const exact = bytes.at(-1) !== 0x0d && bytes.indexOf(0) === -1 && isUtf8(bytes);
  return exact ? { text } : { text, raw: Buffer.from(bytes) };
}

/**
 * Splits a byte stream into lines. It works on bytes and decodes a line only once it is
 * complete, so a chunk boundary inside a line or inside a multi-byte UTF-8 character cannot
 * corrupt it ('\n' never occurs inside a multi-byte sequence). The unfinished last line is
 * held back until its newline arrives.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;

  /** Bytes of the unfinished last line, held back for the next push. */
  get pendingBytes(): number {
    return this.partBytes;
  }

  /** Complete lines in this chunk (without '\n' or a trailing '\r'). The chunk may be reused afterwards. */
  push(chunk: Buffer): string[] {
    return this.pushLines(chunk, 0).map((l) => l.text);
  }

  /**
   * As `push`, with where each line starts: `chunkStart` is the byte offset of `chunk` in
   * its file, so `start` is the line's byte offset there (a line begun in an earlier chunk
   * starts in that chunk). Lines are cut at '\n' bytes before decoding, so the offsets stay
   * exact whatever the characters.
   */
  pushLines(chunk: Buffer, chunkStart: number): SplitLine[] {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last === -1) {
      if (chunk.length > 0) {
        this.parts.push(Buffer.from(chunk)); // a copy: callers reuse their read buffer
        this.partBytes += chunk.length;
      }
      return [];
    }
    const wholeStart = chunkStart - this.partBytes;
    const head = chunk.subarray(0, last);
    const whole = this.parts.length > 0 ? Buffer.concat([...this.parts, head]) : head;
    const tail = chunk.subarray(last + 1);
    this.parts = tail.length > 0 ? [Buffer.from(tail)] : [];
    this.partBytes = tail.length;
    const lines: SplitLine[] = [];
    for (let from = 0; ;) {
      const nl = whole.indexOf(NEWLINE, from);
      const end = nl === -1 ? whole.length : nl;
      lines.push({ ...lineAt(whole, from, end), start: wholeStart + from });
      if (nl === -1) return lines;
      from = nl + 1;
    }
  }

  /** The unfinished last line, for a reader that knows no more bytes will come. */
  flush(): string | null {
    return this.flushLine()?.text ?? null;
  }

  /** As `flush`, with the line's bytes when its text is not exact (see `lineAt`). */
  flushLine(): { text: string; raw?: Buffer } | null {
    const line = this.peekLine();
    this.reset();
    return line;
  }

  /** The unfinished last line, left held back (a reader that will look again if more comes). */
  peekLine(): { text: string; raw?: Buffer } | null {
    if (this.partBytes === 0) return null;
    const whole = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
    return lineAt(whole, 0, whole.length);
  }

  reset(): void {
    this.parts = [];
    this.partBytes = 0;
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/**
 * Every line of a file that is no longer written to (history import), the last one even
 * without its newline; `onEnd` receives the offset just past the last '\n', where a tailer
 * can carry on. Missing files have no lines.
 */
export async function* readFileLines(
  path: string,
  onEnd?: (completeBytes: number) => void,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): AsyncGenerator<string> {
  for await (const { buf, starts, ends } of readFileLineBatches(path, onEnd, chunkBytes)) {
    for (let i = 0; i < starts.length; i++) yield buf.toString("utf8", starts[i], ends[i]);
  }
}

/** The complete lines of one read, undecoded: line i is `buf[starts[i], ends[i])` (no '\n', no trailing '\r'). */
export interface LineBatch {
  buf: Buffer;
  starts: number[];
  ends: number[];
  /** Where `buf[0]` is in the file: line i starts at byte `at + starts[i]` there. */
  at: number;
}

/**
 * As readFileLines, but a chunk's lines at a time and as byte ranges, for readers that look at
 * a line's bytes before deciding to decode it (most transcript lines are never needed as text).
 */
export async function* readFileLineBatches(
  path: string,
  onEnd?: (completeBytes: number) => void,
  chunkBytes = DEFAULT_CHUNK_BYTES,
  /** Where to start: the end of a line read before (an import carrying on). */
  from = 0,
): AsyncGenerator<LineBatch> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      onEnd?.(0);
      return;
    }
    throw err;
  }
  try {
    // The unfinished line so far, in the chunks it came in: joined once its newline arrives.
    // Joining (and searching) it again at every chunk made a line of n MB cost n² (a 40 MB
    // line took 3 s, a 200 MB one minutes: the accounting review).
    let carry: Buffer[] = [];
    let carried = 0;
    let offset = from;
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await handle.read(chunk, 0, chunkBytes, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      const fresh = chunk.subarray(0, bytesRead);
      const lastInFresh = fresh.lastIndexOf(NEWLINE);
      if (lastInFresh === -1) {
        carry.push(fresh); // each chunk is a buffer of its own: kept, not copied
        carried += bytesRead;
        continue;
      }
      const data = carried ? Buffer.concat([...carry, fresh]) : fresh;
      const last = carried + lastInFresh;
      const at = offset - data.length;
      const tail = Buffer.from(data.subarray(last + 1));
      [carry, carried] = tail.length ? [[tail], tail.length] : [[], 0];
      yield splitRanges(data, last, at);
    }
    const complete = offset - carried;
    if (carried) {
      const rest = Buffer.concat(carry);
      yield splitRanges(rest, rest.length, complete);
    }
    onEnd?.(complete);
  } finally {
    await handle.close();
  }
}

function splitRanges(buf: Buffer, end: number, at: number): LineBatch {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let from = 0; from <= end;) {
    let nl = buf.indexOf(NEWLINE, from);
    if (nl === -1 || nl > end) nl = end;
    starts.push(from);
    ends.push(nl > from && buf[nl - 1] === 0x0d ? nl - 1 : nl);
    from = nl + 1;
    if (nl === end) break;
  }
  return { buf, starts, ends, at };
}
