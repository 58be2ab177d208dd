import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { RunnerSessionAck } from "@stratavore/contracts";
import type { AgentLog } from "./agent-options.ts";
import { ConfirmedReports } from "./confirmed-reports.ts";
import { SessionFollower } from "./session-follower.ts";

interface SessionReport {
  runnerId: string;
  sessionId: string;
  /** Every session the runner moved through since its launch, oldest first. */
  left: string[];
  /** About an earlier run: all these sessions are the runner's, none of them its current one. */
  past?: boolean;
}

/** What must outlive the agent: moves not answered yet, and sessions the server refused (`at`: when last). */
type Saved = Record<string, { report: SessionReport | null; waiting: string[]; refused: string[]; at?: number }>;

/**
 * How long a runner's refusals are kept after it ended here (or after the last refusal, if
 * later) once it has nothing waiting: they only keep its spooled usage of those sessions set
 * aside, and the spool ships within seconds (or the server has been away a week: then the
 * server refuses them itself).
 */
export const REFUSALS_KEPT_MS = 7 * 86_400_000;

/**
 * Which session each runner's claude is in, told to the server. Claude moves to another session
 * under a running runner (/clear): the server follows once told, and until it has answered that
 * session's usage and lines are held here, since before it the server would refuse them as
 * another session's. Each report carries every session the runner moved through, so a report
 * replaced by a newer one (two moves while the server was away) loses none of them. A session
 * the server refuses is set aside for good. Moves not answered yet and refusals are kept in
 * `stateFile`: after a restart, or when the runner is launched again, they are said once more
 * as sessions of an earlier run (`past`), and the spool's usage of them waits for that answer.
 */
export class SessionMoves {
  private readonly trail = new Map<string, string[]>();
  private readonly unconfirmed = new Map<string, Set<string>>();
  /** Sessions the server refused as the runner's: left out of later reports, their usage set aside. */
  private readonly refused = new Map<string, Set<string>>();
  private readonly refusedAt = new Map<string, number>();
  private readonly reports: ConfirmedReports<SessionReport>;
  /** Said about an earlier run of the runner (a report of its own: the new run's goes beside it). */
  private readonly pastReports: ConfirmedReports<SessionReport>;
  private readonly follower: SessionFollower;

  constructor(
    configDir: string,
    ask: (r: SessionReport) => Promise<RunnerSessionAck>,
    private readonly log: AgentLog,
    /** Tail the runner's new session (after a last read of the old one). */
    private readonly track: (runnerId: string, sessionId: string) => void,
    private readonly stateFile?: string,
    private readonly now: () => number = Date.now,
  ) {
    const send = async (r: SessionReport) => {
      const res = await ask(r);
      if (!(res.ok || res.code === "SESSION_REFUSED" || res.code === "VALIDATION")) return false;
      this.answered(r, res);
      return true;
    };
    this.reports = new ConfirmedReports(send);
    this.pastReports = new ConfirmedReports(send);
    this.follower = new SessionFollower(
      configDir,
      (runnerId, sessionId, from) => this.moved(runnerId, sessionId, from),
      (runnerId, err) => log("warn", "following a runner to another session failed", { runnerId, error: String(err) }),
    );
  }

  /** At start, before anything is shipped: what the last agent left unanswered is said again. */
  load(): void {
    if (!this.stateFile) return;
    let saved: Saved;
    try {
      saved = JSON.parse(readFileSync(this.stateFile, "utf8")) as Saved;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT")
        this.log("warn", "the runners' session moves could not be read; moves not yet answered are lost", {
          error: String(err),
        });
      return;
    }
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
    let forgotten = false;
    for (const [runnerId, s] of Object.entries(saved && typeof saved === "object" ? saved : {})) {
      const refused = strings(s?.refused);
      const waiting = strings(s?.waiting);
      const report = s?.report;
      // From before refusals were dated: kept as if refused now.
      const at = typeof s?.at === "number" ? s.at : this.now();
      if (refused.length && (waiting.length || this.now() - at <= REFUSALS_KEPT_MS)) {
        this.refused.set(runnerId, new Set(refused));
        this.refusedAt.set(runnerId, at);
      } else if (refused.length) forgotten = true;
      if (waiting.length && report && typeof report.sessionId === "string") {
        this.unconfirmed.set(runnerId, new Set(waiting));
        this.sayPast({ runnerId, sessionId: report.sessionId, left: strings(report.left) });
      }
    }
    if (forgotten) this.save();
  }

  /** A runner started on the session its launch named. */
  launched(runnerId: string, pid: number | undefined, sessionId: string): void {
    this.forget(runnerId);
    // The session a launch named is the runner's, whatever was refused before.
    if (this.refused.get(runnerId)?.delete(sessionId)) this.save();
    this.reports.report({ runnerId, sessionId, left: [] });
    if (pid) this.follower.start(runnerId, pid, sessionId);
  }

  /** The runner's process ended: nothing more to follow (what was said is still said). */
  ended(runnerId: string): void {
    this.follower.forget(runnerId);
    // Kept a week from now, not from the refusal: its last lines are still to be read and set aside.
    if (this.refused.has(runnerId)) {
      this.refusedAt.set(runnerId, this.now());
      this.save();
    }
  }

  /**
   * Another run of the runner begins here. A move of the last run still unanswered is said
   * again as that run's (`past`): it must not move the new run, whose session its launch named.
   */
  forget(runnerId: string): void {
    this.follower.forget(runnerId);
    const last = this.reports.current(runnerId);
    this.reports.drop(runnerId);
    this.trail.delete(runnerId);
    // Written only when this changed what is kept: forget runs on every launch (twice: the
    // launch command and the runner's start), and most launches have nothing to keep.
    if (last && this.unconfirmed.get(runnerId)?.size) {
      this.sayPast(last);
      this.save();
    }
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
    this.pastReports.retry();
  }

  async settled(timeoutMs: number): Promise<boolean> {
    const [now, past] = await Promise.all([this.reports.settled(timeoutMs), this.pastReports.settled(timeoutMs)]);
    return now && past;
  }

  pending(): number {
    return this.reports.pending() + this.pastReports.pending();
  }

  private moved(runnerId: string, sessionId: string, from: string): void {
    this.log("info", "claude moved to another session", { runnerId, sessionId });
    const refused = this.refused.get(runnerId);
    // A refused session is not named again (the whole report would be refused with it).
    const trail = [...(this.trail.get(runnerId) ?? []).filter((s) => s !== from && s !== sessionId), from].filter(
      (s) => !refused?.has(s),
    );
    this.trail.set(runnerId, trail);
    const held = this.unconfirmed.get(runnerId) ?? new Set<string>();
    held.add(sessionId);
    this.unconfirmed.set(runnerId, held);
    this.reports.report({ runnerId, sessionId, left: trail });
    this.save();
    this.track(runnerId, sessionId);
  }

  /** Says `r`'s sessions as an earlier run's, together with any such report not answered yet. */
  private sayPast(r: SessionReport): void {
    const all = joined(this.pastReports.current(r.runnerId), r) ?? r;
    this.pastReports.report({ ...all, past: true });
  }

  private answered(r: SessionReport, res: RunnerSessionAck): void {
    const waiting = this.unconfirmed.get(r.runnerId);
    let named = [r.sessionId, ...r.left];
    if (!res.ok) {
      // Refused for good: the sessions the server names (all this report asked for, from a server
      // that names none). The others are said again, without them.
      const bad = res.sessions ?? named.filter((s) => waiting?.has(s));
      const refused = this.refused.get(r.runnerId) ?? new Set<string>();
      for (const s of bad) refused.add(s);
      this.refused.set(r.runnerId, refused);
      if (bad.length) this.refusedAt.set(r.runnerId, this.now());
      named = bad;
      const rest = [r.sessionId, ...r.left].filter((s) => !refused.has(s) && waiting?.has(s));
      const last = rest.at(-1);
      if (last) this.sayPast({ runnerId: r.runnerId, sessionId: last, left: rest.slice(0, -1) });
      this.log("warn", "the server refused a runner's move to another session; its usage is set aside here", {
        runnerId: r.runnerId,
        sessionId: r.sessionId,
        reason: res.message,
      });
    }
    for (const s of named) waiting?.delete(s);
    this.save();
  }

  /** Written whole on each change (moves are rare); a failure only loses what a restart would. */
  private save(): void {
    if (!this.stateFile) return;
    const saved: Saved = {};
    for (const runnerId of new Set([...this.unconfirmed.keys(), ...this.refused.keys()])) {
      const waiting = [...(this.unconfirmed.get(runnerId) ?? [])];
      const at = this.refusedAt.get(runnerId) ?? this.now();
      if (!waiting.length && !this.follower.following(runnerId) && this.now() - at > REFUSALS_KEPT_MS) {
        this.refused.delete(runnerId);
        this.refusedAt.delete(runnerId);
      }
      const refused = [...(this.refused.get(runnerId) ?? [])];
      if (!waiting.length && !refused.length) continue;
      const report = joined(this.pastReports.current(runnerId), this.reports.current(runnerId)) ?? null;
      saved[runnerId] = { report, waiting, refused, ...(refused.length ? { at } : {}) };
    }
    try {
      mkdirSync(dirname(this.stateFile), { recursive: true });
      writeFileSync(`${this.stateFile}.tmp`, JSON.stringify(saved), { mode: 0o600 });
      renameSync(`${this.stateFile}.tmp`, this.stateFile);
    } catch (err) {
      this.log("warn", "could not save the runners' session moves", { error: String(err) });
    }
  }
}

/** Both reports' sessions in one, the later's current session last. */
function joined(a: SessionReport | undefined, b: SessionReport | undefined): SessionReport | undefined {
  if (!a || !b) return a ?? b;
  const sessions = [...new Set([...a.left, a.sessionId, ...b.left])].filter((s) => s !== b.sessionId);
  return { runnerId: b.runnerId, sessionId: b.sessionId, left: sessions, past: a.past || b.past };
}
