import type { RunnerSessionAck } from "@stratavore/contracts";
import type { AgentLog } from "./agent-options.ts";
import { ConfirmedReports } from "./confirmed-reports.ts";
import { SessionFollower } from "./session-follower.ts";

interface SessionReport {
  runnerId: string;
  sessionId: string;
  /** Every session the runner moved through since its launch, oldest first. */
  left: string[];
}

/**
 * Which session each runner's claude is in, told to the server. Claude moves to another session
 * under a running runner (/clear): the server follows once told, and until it has answered that
 * session's usage and lines are held here, since before it the server would refuse them as
 * another session's. Each report carries every session the runner moved through, so a report
 * replaced by a newer one (two moves while the server was away) loses none of them. A session
 * the server refuses stays held for good: nothing of it is sent, and the spool shows it.
 */
export class SessionMoves {
  private readonly trail = new Map<string, string[]>();
  private readonly unconfirmed = new Map<string, Set<string>>();
  /** Sessions the server refused as the runner's: left out of later reports, their usage set aside. */
  private readonly refused = new Map<string, Set<string>>();
  private readonly reports: ConfirmedReports<SessionReport>;
  private readonly follower: SessionFollower;

  constructor(
    configDir: string,
    ask: (r: SessionReport) => Promise<RunnerSessionAck>,
    private readonly log: AgentLog,
    /** Tail the runner's new session (after a last read of the old one). */
    private readonly track: (runnerId: string, sessionId: string) => void,
  ) {
    this.reports = new ConfirmedReports(async (r) => {
      const res = await ask(r);
      const final = res.ok || res.code === "SESSION_REFUSED" || res.code === "VALIDATION";
      if (!final) return false;
      const waiting = this.unconfirmed.get(r.runnerId);
      if (!res.ok) {
        // What this report asked for that was not the runner's yet: refused, for good.
        const refused = this.refused.get(r.runnerId) ?? new Set<string>();
        for (const s of [r.sessionId, ...r.left]) if (waiting?.has(s)) refused.add(s);
        this.refused.set(r.runnerId, refused);
        log("warn", "the server refused a runner's move to another session; its usage is set aside here", {
          runnerId: r.runnerId,
          sessionId: r.sessionId,
          reason: res.message,
        });
      }
      for (const s of [r.sessionId, ...r.left]) waiting?.delete(s);
      return true;
    });
    this.follower = new SessionFollower(
      configDir,
      (runnerId, sessionId, from) => this.moved(runnerId, sessionId, from),
      (runnerId, err) => log("warn", "following a runner to another session failed", { runnerId, error: String(err) }),
    );
  }

  /** A runner started on the session its launch named. */
  launched(runnerId: string, pid: number | undefined, sessionId: string): void {
    this.forget(runnerId);
    this.reports.report({ runnerId, sessionId, left: [] });
    if (pid) this.follower.start(runnerId, pid, sessionId);
  }

  /** The runner's process ended: nothing more to follow (what was said is still said). */
  ended(runnerId: string): void {
    this.follower.forget(runnerId);
  }

  /** Another run of the runner begins here: what was said about the last one is moot. */
  forget(runnerId: string): void {
    this.follower.forget(runnerId);
    this.reports.drop(runnerId);
    this.trail.delete(runnerId);
    this.unconfirmed.delete(runnerId);
    // Still refused: what is left of them in the spool stays set aside.
  }

  /** Whether the session's usage and lines may go to the server yet (see UsageShipper). */
  state(runnerId: string, sessionId: string): "ship" | "hold" | "drop" {
    if (this.refused.get(runnerId)?.has(sessionId)) return "drop";
    return this.unconfirmed.get(runnerId)?.has(sessionId) ? "hold" : "ship";
  }

  look(): Promise<void> {
    return this.follower.look();
  }

  retry(): void {
    this.reports.retry();
  }

  settled(timeoutMs: number): Promise<boolean> {
    return this.reports.settled(timeoutMs);
  }

  pending(): number {
    return this.reports.pending();
  }

  private moved(runnerId: string, sessionId: string, from: string): void {
    this.log("info", "claude moved to another session", { runnerId, sessionId });
    const refused = this.refused.get(runnerId);
    // A refused session is not named again (the whole report would be refused with it); at most
    // the 100 latest, as the server takes.
    const trail = [...(this.trail.get(runnerId) ?? []).filter((s) => s !== from && s !== sessionId), from]
      .filter((s) => !refused?.has(s))
      .slice(-100);
    this.trail.set(runnerId, trail);
    const held = this.unconfirmed.get(runnerId) ?? new Set<string>();
    held.add(sessionId);
    this.unconfirmed.set(runnerId, held);
    this.reports.report({ runnerId, sessionId, left: trail });
    this.track(runnerId, sessionId);
  }
}
