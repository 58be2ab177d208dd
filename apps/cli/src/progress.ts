import type { Writable } from "node:stream";
import { formatCount } from "./output.ts";
import { isTtyOut } from "./terminal.ts";

const WIDTH = 24;
const EVERY_MS = 100;

export interface ProgressLine {
  update: (done: number, total: number, detail: string) => void;
  /** Erases the line, so whatever is printed next starts clean. */
  clear: () => void;
}

/** A one-line bar redrawn in place, on a terminal only: piped stderr stays free of control codes. */
export function progressLine(stream: Writable, now: () => number = Date.now): ProgressLine {
  if (!isTtyOut(stream)) return { update: () => {}, clear: () => {} };
  let last = 0;
  let shown = false;
  return {
    update: (done, total, detail) => {
      if (done < total && now() - last < EVERY_MS) return;
      last = now();
      shown = true;
      stream.write(`\r\x1b[K${renderBar(done, total)} ${detail}`);
    },
    clear: () => {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}

/** `[#########---------------] 12/40` */
export function renderBar(done: number, total: number): string {
  const filled = total > 0 ? Math.min(WIDTH, Math.round((done / total) * WIDTH)) : WIDTH;
  return `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${formatCount(done)}/${formatCount(total)}`;
}
