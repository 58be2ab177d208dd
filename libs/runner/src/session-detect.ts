import { readdirSync, statSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isSessionId } from "./claude-args.ts";
import { projectTranscriptDir } from "./claude-paths.ts";

/** Session ids with a transcript in the cwd's project folder (sub-agent files live deeper). */
export async function listSessionIds(configDir: string, cwd: string): Promise<string[]> {
  try {
    const names = await readdir(projectTranscriptDir(configDir, cwd));
    return names.filter((n) => n.endsWith(".jsonl") && isSessionId(n.slice(0, -6))).map((n) => n.slice(0, -6));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/** Transcript sizes and mtimes right now; see `baseline` below. */
export function sessionBaseline(configDir: string, cwd: string): Map<string, string> {
  const dir = projectTranscriptDir(configDir, cwd);
  const baseline = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return baseline; // no project folder yet: every transcript will be new
  }
  for (const name of names) {
    if (!name.endsWith(".jsonl") || !isSessionId(name.slice(0, -6))) continue;
    try {
      const st = statSync(join(dir, name));
      baseline.set(name.slice(0, -6), `${st.size}:${st.mtimeMs}`);
    } catch {
      // deleted meanwhile
    }
  }
  return baseline;
}

export interface WatchForSessionOptions {
  configDir: string;
  cwd: string;
  /** Epoch ms: only transcripts written at or after this count. */
  since: number;
  /** Sessions that are someone else's (other live runners in this cwd, a fork's parent). */
  knownIds: Iterable<string>;
  /**
   * Taken before claude was spawned: a transcript listed here counts only once it changed,
   * one missing from it counts at once. Without it the mtime test alone can mistake a
   * session written just before launch for ours.
   */
  baseline?: Map<string, string>;
  timeoutMs: number;
  pollMs?: number;
  signal?: AbortSignal;
}

// File times come from the kernel's coarse clock, up to a tick behind Date.now().
const MTIME_SLACK_MS = 50;

/**
 * The session a `--continue` or `--resume --fork-session` claude writes to is only known
 * once it writes: poll for a transcript modified since launch that is not known to belong
 * to anyone else. Resolves null on timeout or abort.
 */
export async function watchForNewSession(opts: WatchForSessionOptions): Promise<string | null> {
  const { configDir, cwd, since, baseline, timeoutMs, pollMs = 250, signal } = opts;
  const known = new Set(opts.knownIds);
  const dir = projectTranscriptDir(configDir, cwd);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) return null;
    let best: { id: string; mtimeMs: number } | null = null;
    for (const id of await listSessionIds(configDir, cwd)) {
      if (known.has(id)) continue;
      const st = await stat(join(dir, `${id}.jsonl`)).catch(() => null);
      if (!st) continue;
      const before = baseline?.get(id);
      const written = baseline ? before !== `${st.size}:${st.mtimeMs}` : st.mtimeMs >= since - MTIME_SLACK_MS;
      if (written && (!best || st.mtimeMs > best.mtimeMs)) best = { id, mtimeMs: st.mtimeMs };
    }
    if (best) return best.id;
    const left = deadline - Date.now();
    if (left <= 0) return null;
    try {
      await sleep(Math.min(pollMs, left), undefined, { signal });
    } catch {
      return null; // aborted
    }
  }
}
