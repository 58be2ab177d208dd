import { AppError } from "@stratavore/contracts";
import {
  apiErrorsSince,
  findRunner,
  runnersToWatch,
  setRunnerWatchdog,
  transcriptGrewSince,
  type WatchedRunner,
} from "@stratavore/db";
import { restartDelayMs } from "@stratavore/runner";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { announceRunner, moveRunner } from "./runner-events.ts";
import { restartsSoFar, setPaused } from "./runner-lifecycle.ts";

/** An API-error loop: this many errors within the window, or this many retries of one on its screen. */
export const ERROR_LOOP = { count: 3, windowMs: 5 * 60_000 };

/**
 * Interactive claude (2.1.328) shows its retries on screen and writes no transcript line for
 * them until it gives up: "✻ 429 Number of request tokens has exceeded your per-minute rate
 * limit · retrying in 20s · attempt 8/10" (seen against a stand-in API that always answers 429).
 */
const SCREEN_RETRY = /(\d{3})\s+(.+?)\s+·\s+retrying in [^·]+·\s+attempt (\d+)\/(\d+)/i;

export function screenRetry(
  line: string | null,
): { status: string; message: string; attempt: number; of: number } | null {
  const [, status, message, attempt, of] = (line ? SCREEN_RETRY.exec(line) : null) ?? [];
  return status && message && attempt && of ? { status, message, attempt: Number(attempt), of: Number(of) } : null;
}

type Finding = { watchdog: "stalled" | "error_loop"; detail: string };

const minutes = (ms: number) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

/** What claude said about its last API error, in one line. */
function errorWording(rawLine: string | null): string {
  if (!rawLine) return "";
  try {
    const line = JSON.parse(rawLine) as {
      error?: { formatted?: string; status?: number };
      message?: { content?: { type: string; text?: string }[] };
    };
    const text = line.error?.formatted ?? line.message?.content?.find((c) => c.type === "text")?.text ?? "";
    return text.replace(/\s+/g, " ").slice(0, 200);
  } catch {
    return "";
  }
}

/**
 * What is wrong with a running runner, if anything: looping on API errors (its transcript has
 * ERROR_LOOP.count of them within the window), or stalled (its screen says it works, yet
 * neither the screen nor the transcript changed for the project's stall time). A runner
 * waiting on its user or idle at the prompt is never stalled.
 */
export async function classify(deps: ApiDeps, r: WatchedRunner, now: Date): Promise<Finding | null> {
  const retry = r.activity === "working" ? screenRetry(r.activityLine) : null;
  if (retry && retry.attempt >= ERROR_LOOP.count)
    return {
      watchdog: "error_loop",
      detail: `retrying an API error, attempt ${retry.attempt} of ${retry.of}: ${retry.status} ${retry.message}`,
    };
  if (!r.sessionId) return null;
  const errors = await apiErrorsSince(deps.db, r.sessionId, new Date(now.getTime() - ERROR_LOOP.windowMs));
  if (errors.count >= ERROR_LOOP.count) {
    const said = errorWording(errors.lastLine);
    return {
      watchdog: "error_loop",
      detail: `${errors.count} API errors in ${minutes(ERROR_LOOP.windowMs)}${said ? `; last: ${said}` : ""}`,
    };
  }
  const stallMs = r.project.watchdogStallSeconds * 1000;
  const quietSince = r.activityAt ?? r.startedAt;
  if (
    r.activity === "working" &&
    quietSince &&
    now.getTime() - quietSince.getTime() >= stallMs &&
    !(await transcriptGrewSince(deps.db, r.sessionId, new Date(now.getTime() - stallMs)))
  )
    return {
      watchdog: "stalled",
      detail: `working, but no output and no transcript growth for ${minutes(now.getTime() - quietSince.getTime())}`,
    };
  // Nothing wrong by the built-in rules: plugins' classifiers may still see something.
  const found = await deps.plugins?.classify({
    id: r.id,
    projectName: r.project.name,
    activity: r.activity,
    activityLine: r.activityLine,
    activityAt: r.activityAt,
  });
  return found ? { watchdog: found.watchdog, detail: `${found.detail} (plugin ${found.plugin})` } : null;
}

/**
 * One watchdog pass (a reconciler step): classify every running runner; a new finding is
 * recorded on the runner, audited (`runner.stalled`, `runner.error_loop`: announced to the
 * channels) and acted on as its project says — restart a stalled runner (its process is killed
 * and the restart policy resumes the conversation in a new one), pause one looping on errors.
 * A runner that recovered is cleared quietly.
 */
export async function watchRunners(deps: ApiDeps, now = new Date()): Promise<number> {
  let found = 0;
  for (const r of await runnersToWatch(deps.db)) {
    try {
      const finding = await classify(deps, r, now);
      if (finding?.watchdog === r.watchdog) continue;
      if (!finding) {
        if (r.watchdog) await record(deps, r.id, null, now);
        continue;
      }
      const action =
        finding.watchdog === "stalled"
          ? r.project.watchdogOnStall === "restart"
            ? "restart"
            : "notify"
          : r.project.watchdogOnErrorLoop === "pause"
            ? "pause"
            : "notify";
      if (!(await record(deps, r.id, { ...finding, action }, now))) continue;
      found += 1;
      await act(deps, r, finding, action);
    } catch (err) {
      deps.log("error", "watchdog: a runner's check failed", { runnerId: r.id, error: String(err) });
    }
  }
  return found;
}

async function record(
  deps: ApiDeps,
  runnerId: string,
  finding: (Finding & { action: string }) | null,
  now: Date,
): Promise<boolean> {
  return inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    const set = await setRunnerWatchdog(
      tx,
      runnerId,
      finding ? { watchdog: finding.watchdog, detail: finding.detail, since: now } : null,
    );
    if (!set) return false;
    const runner = await findRunner(tx, runnerId);
    if (!runner) return false;
    const seq = await audit(tx, deps.config.auditKey, null, {
      type: finding ? (finding.watchdog === "stalled" ? "runner.stalled" : "runner.error_loop") : "runner.recovered",
      entityType: "runner",
      entityId: runnerId,
      data: finding ? { detail: finding.detail, action: finding.action } : {},
    });
    announceRunner(outbox, seq, runner);
    return true;
  });
}

async function act(deps: ApiDeps, r: WatchedRunner, finding: Finding, action: string): Promise<void> {
  if (action === "pause")
    await setPaused(deps, null, r.id, true, {
      reason: `paused by the watchdog: ${finding.detail}`,
      budgetId: null,
    }).catch((err: unknown) => {
      if (!(err instanceof AppError)) throw err;
      deps.log("warn", "watchdog: pausing a looping runner failed", { runnerId: r.id, error: err.message });
    });
  if (action === "restart") await restartStalled(deps, r.id, finding);
}

/**
 * "Resume in a new process": the runner is failed by the watchdog with a restart due, then its
 * process is killed; the reconciler's restart resumes the conversation (`--resume`) through
 * admission, like any crash's. Marked failed first, so the kill's exit report (a requested
 * kill, which would read as a clean stop) finds it already ended. Restarts used up: it ends.
 */
async function restartStalled(deps: ApiDeps, runnerId: string, finding: Finding): Promise<void> {
  const runner = await findRunner(deps.db, runnerId);
  if (!runner?.nodeId) return;
  const attempts = restartsSoFar(deps, runner);
  const left = attempts < runner.maxRestarts;
  const reason = `watchdog: stalled (${finding.detail}); ${left ? "resuming it in a new process" : "its restarts are used up"}`;
  const moved = await inTransaction(deps.db, deps.bus, (tx, outbox) =>
    moveRunner(deps, tx, outbox, null, {
      runnerId,
      from: ["running"],
      data: {
        status: "failed",
        endedAt: new Date(),
        pid: null,
        endReason: reason,
        restartAttempts: attempts,
        nextRestartAt: left
          ? new Date(Date.now() + restartDelayMs(attempts + 1, { baseMs: deps.fleet.config.restartBaseMs }))
          : null,
      },
      event: "runner.failed",
      details: { reason, restartScheduled: left, by: "watchdog" },
    }),
  );
  if (moved)
    await deps.fleet.agents.signal(runner.nodeId, { runnerId, action: "kill" }, deps.fleet.config.agentAckTimeoutMs);
}
