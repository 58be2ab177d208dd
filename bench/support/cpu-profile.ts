/**
 * CPU profiles for benches: the V8 profiler over the measured window only (not setup), written
 * as a .cpuprofile (open it in Chrome DevTools → Performance), and the functions with the most
 * self time printed, so a bench's output names its own bottleneck; and a heap snapshot at the
 * window's end.
 */
import { Session } from "node:inspector/promises";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { writeHeapSnapshot } from "node:v8";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
export interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
}

export async function startCpuProfile(): Promise<(name: string) => Promise<string[]>> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  return async (name: string) => {
    const { profile } = (await session.post("Profiler.stop")) as { profile: Profile };
    session.disconnect();
    const dir = join(import.meta.dirname, "../profiles");
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${name}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    // The heap as the measured window left it (open it in DevTools → Memory): what is retained.
    const used = process.memoryUsage().heapUsed;
    const heap = writeHeapSnapshot(join(dir, `${name}.heapsnapshot`));
    return [
      `  CPU profile             : ${relative(process.cwd(), file)}`,
      ...topSelfTime(profile, 8),
      `  heap snapshot           : ${relative(process.cwd(), heap)} (${(used / 1024 / 1024).toFixed(0)} MB used)`,
    ];
  };
}

/** Where the samples landed (self time), grouped by function and file: the hot path. */
export function topSelfTime(profile: Profile, n: number): string[] {
  const total = profile.nodes.reduce((a, x) => a + (x.hitCount ?? 0), 0) || 1;
  const byFn = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/work\/main\//, "")}:${lineNumber + 1}`
      : "";
    const key = `${functionName || "(anonymous)"} ${where}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + (node.hitCount ?? 0));
  }
  return [...byFn]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, hits]) => `    ${((hits / total) * 100).toFixed(1).padStart(5)} %  ${fn}`);
}
