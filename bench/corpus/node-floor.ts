/**
 * The least any Node.js parser of these transcripts must do, in `threads` worker threads started
 * before the clock: read every file whole and JSON.parse the lines that hold `"usage"` — no
 * dedup, no pricing, no session facts, no other line decoded. It bounds what a parser written
 * for Node can reach on this machine: a real parser does all of this and more.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { Worker } from "node:worker_threads";

export interface NodeFloor {
  ms: number;
  /** Lines holding `"usage"` that parsed. */
  lines: number;
}

export async function nodeFloor(projectsDir: string, threads: number): Promise<NodeFloor> {
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
            w.postMessage(lists[i]);
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
