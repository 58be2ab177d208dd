import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isSessionId } from "@stratavore/runner";

/**
 * Which session a claude process writes to now, from claude's own record of itself:
 * `<config>/sessions/<pid>.json` (claude 2.x writes it at start and again when /clear or
 * /resume moves it to another session). A record left by an earlier process with the same pid
 * is told apart by its start time (`procStart`, the process's start in clock ticks, as in
 * /proc/<pid>/stat). Null when there is no such record (an older claude, the fake without one).
 */
export async function claudeSessionOf(configDir: string, pid: number): Promise<string | null> {
  try {
    const record = JSON.parse(await readFile(join(configDir, "sessions", `${pid}.json`), "utf8")) as {
      pid?: unknown;
      sessionId?: unknown;
      procStart?: unknown;
    };
    // Anything in the runner can write this file: only a session id is believed.
    if (record.pid !== pid || typeof record.sessionId !== "string" || !isSessionId(record.sessionId)) return null;
    if (record.procStart !== undefined && String(record.procStart) !== (await processStart(pid))) return null;
    return record.sessionId;
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised name, which may hold spaces). */
async function processStart(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  if (!stat) return null;
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
}

/**
 * Follows each runner's claude from session to session: a runner starts on the session its
 * launch named, and `look()` (every second) reports any other session claude says it is in.
 */
export class SessionFollower {
  private readonly current = new Map<string, { pid: number; sessionId: string }>();
  private looking = false;

  constructor(
    private readonly configDir: string,
    private readonly onMove: (runnerId: string, sessionId: string, from: string) => void,
    private readonly onError: (runnerId: string, err: unknown) => void = () => undefined,
  ) {}

  start(runnerId: string, pid: number, sessionId: string): void {
    this.current.set(runnerId, { pid, sessionId });
  }

  forget(runnerId: string): void {
    this.current.delete(runnerId);
  }

  following(runnerId: string): boolean {
    return this.current.has(runnerId);
  }

  async look(): Promise<void> {
    if (this.looking) return;
    this.looking = true;
    try {
      for (const [runnerId, known] of [...this.current]) {
        const sessionId = await claudeSessionOf(this.configDir, known.pid);
        // Forgotten meanwhile (the runner ended): its last move, if any, was reported already.
        if (!sessionId || sessionId === known.sessionId || this.current.get(runnerId) !== known) continue;
        this.current.set(runnerId, { pid: known.pid, sessionId });
        try {
          this.onMove(runnerId, sessionId, known.sessionId);
        } catch (err) {
          // Following one runner must never take the agent (and every runner) down.
          this.onError(runnerId, err);
        }
      }
    } finally {
      this.looking = false;
    }
  }
}
