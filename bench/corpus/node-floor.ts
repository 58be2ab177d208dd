/**
 * Floors for a Node.js parser of these transcripts, in `threads` worker threads started before
 * the clock (node-floor-worker.mjs says what each does):
 *  - "usage": read every file whole and JSON.parse the lines holding `"usage"` — what ccusage
 *    counts, with no dedup, prices or session facts;
 *  - "skim": read every file whole and walk the brackets of every user and assistant line
 *    (where our session facts come from), strings jumped over natively, nothing decoded — the
 *    least a parser that finds each line's top-level fields without JSON.parse must do.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { Worker } from "node:worker_threads";

export interface NodeFloor {
  ms: number;
  /** Lines that parsed ("usage") or balanced ("skim"). */
  lines: number;
}

export type FloorMode = "usage" | "skim";

export async function nodeFloor(projectsDir: string, threads: number, mode: FloorMode): Promise<NodeFloor> {
  const files = (await readdir(projectsDir, { recursive: true }))
    .filter((f) => f.endsWith(".jsonl"))
    .map((f) => join(projectsDir, f));
  const sized = await Promise.all(files.map(async (file) => ({ file, bytes: (await stat(file)).size })));
  // Largest first onto the lightest thread: the threads finish together.
  const groups = Array.from({ length: threads }, () => ({ files: [] as string[], bytes: 0 }));
  for (const { file, bytes } of sized.sort((a, b) => b.bytes - a.bytes)) {
    const lightest = groups.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    lightest.files.push(file);
    lightest.bytes += bytes;
  }
  const workers = groups.map(() => new Worker(new URL("./node-floor-worker.mjs", import.meta.url)));
  const run = (lists: string[][]) =>
    Promise.all(
      workers.map(
        (w, i) =>
          new Promise<{ lines: number }>((ok, fail) => {
            w.once("message", ok);
            w.once("error", fail);
            w.postMessage({ files: lists[i], mode });
          }),
      ),
    );
  // Loaded and answering before the clock starts (an empty list: nothing read).
  await run(groups.map(() => []));
  const t0 = performance.now();
  const results = await run(groups.map((g) => g.files));
  const ms = performance.now() - t0;
  await Promise.all(workers.map((w) => w.terminate()));
  return { ms, lines: results.reduce((n, r) => n + r.lines, 0) };
}
