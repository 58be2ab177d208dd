import { createInterface } from "node:readline/promises";
import type { Readable, Writable } from "node:stream";
import { terminalSafe } from "./terminal-safe.ts";

/** The terminal, injected so commands never reach for globals and stay testable. */
export interface Io {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  /** Whether a person can answer a prompt (stdin is a terminal). */
  interactive: boolean;
  /** Runs `handler` on Ctrl-C (SIGINT) instead of dying, for commands that must clean up; returns the unsubscribe. */
  onInterrupt: (handler: () => void) => () => void;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    interactive: Boolean(process.stdin.isTTY),
    onInterrupt: (handler) => {
      process.on("SIGINT", handler);
      return () => void process.off("SIGINT", handler);
    },
  };
}

/** Human output: everything printed passes terminalSafe (server text never drives the terminal). */
export function print(io: Io, text: string): void {
  const safe = terminalSafe(text);
  io.stdout.write(safe.endsWith("\n") ? safe : `${safe}\n`);
}

export function printJson(io: Io, value: unknown): void {
  // JSON.stringify turns Dates into ISO strings, which is the documented --json format.
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export async function readAllStdin(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

/** Asks on stderr so that stdout stays clean for whatever a script pipes it into. */
export async function ask(io: Io, question: string): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: io.interactive });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}
