import { mkdirSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createStream } from "rotating-file-stream";
import { RunnerError } from "./base/errors.ts";

export interface RunnerLogOptions {
  dir: string;
  runnerId: string;
  /** Size of one file before it rotates. */
  maxBytes?: number;
  /** Files kept in total: the current one plus rotated `.1`, `.2`, … */
  files?: number;
  onError?: (err: Error) => void;
}

export interface RunnerLog {
  readonly path: string;
  write(data: string): void;
  close(): Promise<void>;
}

// The id becomes a file name: nothing that could climb out of the log directory.
const RUNNER_ID_RE = /^[A-Za-z0-9_-]{1,100}$/;

export function runnerLogPath(dir: string, runnerId: string): string {
  if (!RUNNER_ID_RE.test(runnerId))
    throw new RunnerError("INVALID_RUNNER_ID", `"${runnerId}" cannot be used as a log file name.`);
  return join(dir, `${runnerId}.log`);
}

/**
 * Raw terminal output of one runner, capped at files × maxBytes (default 3 × 5 MB) with
 * logrotate-style names, so a chatty runner cannot fill the node's disk.
 */
export function openRunnerLog({
  dir,
  runnerId,
  maxBytes = 5 * 1024 * 1024,
  files = 3,
  onError = () => {},
}: RunnerLogOptions): RunnerLog {
  const path = runnerLogPath(dir, runnerId);
  // A terminal log holds whatever scrolled by (code, tokens pasted in): the agent's user only.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stream = createStream(`${runnerId}.log`, {
    path: dir.endsWith("/") ? dir : `${dir}/`,
    mode: 0o600,
    size: `${maxBytes}B`,
    rotate: Math.max(1, files - 1),
  });
  // A full disk must cost the log, not the agent: stream errors are reported, never thrown.
  stream.on("error", onError);
  stream.on("warning", onError);
  let closed = false;
  return {
    path,
    write(data) {
      if (!closed) stream.write(data);
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => stream.end(() => resolve()));
    },
  };
}

/** The last `maxLines` lines across the current and rotated files, oldest first. */
export async function readLogTail(dir: string, runnerId: string, maxLines: number): Promise<string[]> {
  const base = `${runnerId}.log`;
  runnerLogPath(dir, runnerId);
  const names = await readdir(dir).catch(() => [] as string[]);
  const rotated = names
    .map((n) => (n.startsWith(`${base}.`) ? Number(n.slice(base.length + 1)) : NaN))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b)
    .map((n) => `${base}.${n}`);
  const newestFirst = [...(names.includes(base) ? [base] : []), ...rotated];
  // Rotation cuts at write boundaries, not lines, so files are joined before splitting.
  let text = "";
  for (const name of newestFirst) {
    text = (await readFile(join(dir, name), "utf8").catch(() => "")) + text;
    if (text.split("\n").length > maxLines + 1) break;
  }
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  if (lines.at(-1) === "") lines.pop();
  return maxLines > 0 ? lines.slice(-maxLines) : [];
}
