import type { Readable, Writable } from "node:stream";
import type { ReadStream, WriteStream } from "node:tty";

/** Ctrl-] — telnet's and docker's escape key: nothing a shell or Claude Code binds. */
export const DETACH_BYTE = 0x1d;
/** The server accepts at most 64 000 characters per `runner:input`; pastes are split below that. */
const INPUT_CHUNK = 16_000;

/** The last `n` lines of terminal output (a trailing newline does not count as an empty line). */
export function tailLines(text: string, n: number): string {
  if (n <= 0) return "";
  let end = text.endsWith("\n") ? text.length - 1 : text.length;
  for (let i = 0; i < n; i++) {
    const nl = text.lastIndexOf("\n", end - 1);
    if (nl === -1) return text;
    end = nl;
  }
  return text.slice(end + 1);
}

/** Splits keystrokes at the detach key: what to forward, and whether to detach after it. */
export function splitAtDetach(chunk: Buffer): { forward: Buffer; detach: boolean } {
  const i = chunk.indexOf(DETACH_BYTE);
  return i === -1 ? { forward: chunk, detach: false } : { forward: chunk.subarray(0, i), detach: true };
}

export function inputChunks(text: string): string[] {
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + INPUT_CHUNK, text.length);
    // Never split a surrogate pair: the far side would see two broken characters.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1] ?? "")) end--;
    chunks.push(text.slice(start, end));
    start = end;
  }
  return chunks;
}

const isTtyIn = (s: Readable): s is ReadStream =>
  Boolean((s as ReadStream).isTTY) && typeof (s as ReadStream).setRawMode === "function";
export const isTtyOut = (s: Writable): s is WriteStream => Boolean((s as WriteStream).isTTY);

/** Keystrokes go through unprocessed (Ctrl-C included) until the returned restore runs. */
export function enterRawMode(stdin: Readable): () => void {
  if (!isTtyIn(stdin)) return () => {};
  stdin.setRawMode(true);
  return () => stdin.setRawMode(false);
}

/** The size to give the runner's pseudo-terminal, within the contract's bounds; null when stdout is no terminal. */
export function terminalSize(stdout: Writable): { cols: number; rows: number } | null {
  if (!isTtyOut(stdout) || !stdout.columns || !stdout.rows) return null;
  return { cols: Math.min(1000, Math.max(10, stdout.columns)), rows: Math.min(500, Math.max(5, stdout.rows)) };
}

/** Node re-reads the size on SIGWINCH and then emits `resize` on a TTY stdout. */
export function onTerminalResize(stdout: Writable, handler: () => void): () => void {
  if (!isTtyOut(stdout)) return () => {};
  stdout.on("resize", handler);
  return () => void stdout.off("resize", handler);
}

/**
 * Modes a full-screen program may have left on when we detach mid-screen: attributes, hidden
 * cursor, bracketed paste, mouse and focus reporting. (Not the alternate screen: leaving one
 * that was never entered restores a stale cursor position.)
 */
const TERMINAL_RESET = "\x1b[0m\x1b[?25h\x1b[?2004l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1004l";

export function resetTerminal(stdout: Writable): void {
  if (isTtyOut(stdout)) stdout.write(TERMINAL_RESET);
}
