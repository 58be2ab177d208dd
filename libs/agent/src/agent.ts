import { hostLoadSampler } from "./host-load.ts";
import { join } from "node:path";
import {
  type RunnerExited,
  allowanceSpentAckSchema,
  runnerExitedAckSchema,
  runnerSessionAckSchema,
  allowancesCommandSchema,
  batchAckSchema,
  inputCommandSchema,
  resizeCommandSchema,
} from "@stratavore/contracts";
import { detectCgroups, isDriver, Supervisor } from "@stratavore/runner";
import { buildChildEnv } from "./child-env.ts";
import type { AgentOptions } from "./agent-options.ts";
import { connectToServer, type ServerSocket } from "./agent-connection.ts";
import { folderPresence } from "./folder-presence.ts";
import { answerLogRequest } from "./log-request.ts";
import { restoreTranscript } from "./restore-transcript.ts";
import { SpendMeter, type SpentAllowance } from "./spend-meter.ts";
import { ConfirmedReports } from "./confirmed-reports.ts";
import { SessionMoves } from "./session-moves.ts";
import { askServer } from "./ask-server.ts";
import { activityReporter, toReport } from "./activity-reports.ts";
import { UsageShipper } from "./usage-shipper.ts";
import { ACTIVE, runnerCommands } from "./runner-commands.ts";

/** How often runners' screens are read for a change between waiting, working and idle. */
const ACTIVITY_LOOK_MS = 1000;

/** Transcripts are read this often for budget allowances, whatever the shipping interval. */
const ALLOWANCE_POLL_MS = 100;

/** How long a stopping agent waits for the server to record its runners' exits. */
const EXIT_REPORT_WAIT_MS = 10_000;

export interface RunningAgent {
  supervisor: Supervisor;
  /** Graceful: stop every runner (SIGTERM → grace → SIGKILL), then disconnect. */
  shutdown(): Promise<void>;
}

/**
 * The node agent (DESIGN §1): dials the server, supervises runners in PTYs, streams their
 * output, reports exits and session ids, and sends one batched heartbeat per interval.
 * It never touches the database.
 */
export async function startAgent(
  opts: AgentOptions,
  onFatal: (code: string, message: string) => void,
): Promise<RunningAgent> {
  const logDir = join(opts.dataDir, "logs");
  const isolation = detectCgroups({ prefer: opts.cgroups });
  const cgroups = isDriver(isolation) ? isolation : undefined;
  if (cgroups) {
    const swept = await cgroups.sweepStale();
    if (swept) opts.log("warn", "killed what runners of a dead agent left in their cgroups", { cgroups: swept });
  }
  opts.log("info", "runner isolation", { ...isolation.capabilities });
  const supervisor = new Supervisor({ logDir, cgroups });
  const childEnv = buildChildEnv(opts.childEnv, opts.passEnv);
  let socket: ServerSocket | null = null;
  const meter = new SpendMeter();
  /**
   * One report with an answer: not connected, no answer in time, or an answer outside the
   * contract each become a failure the caller retries — never a throw, never trusted blindly.
   */
  // Only to a server that welcomed this connection as current: after a reconnect, an older
  // server (a rollback) would strip what it does not know from the reports (agent-handshake.ts).
  let welcomed = false;
  const ask = askServer(() => (welcomed ? socket : null));
  const batchFailed = (code: string, message: string) => ({ ok: false as const, code, message });

  const spentReports = new ConfirmedReports<SpentAllowance>(async (s) => {
    const res = await ask(
      "runner:allowance_spent",
      { runnerId: s.runnerId, budgetId: s.budgetId, spentTokens: s.spentTokens, spentUsd: s.spentUsd },
      15_000,
      allowanceSpentAckSchema,
      () => ({ ok: false as const, code: "RETRY" as const, message: "" }),
    );
    return res.ok;
  });
  const exitReports = new ConfirmedReports<RunnerExited>(
    async (e) => (await ask("runner:exited", e, 15_000, runnerExitedAckSchema, batchFailed)).ok,
  );
  const moves = new SessionMoves(
    opts.claudeConfigDir,
    (r) => ask("runner:session", r, 15_000, runnerSessionAckSchema, batchFailed),
    opts.log,
    (runnerId, sessionId) => {
      const cwd = cwds.get(runnerId);
      if (cwd) shipper.track(runnerId, cwd, sessionId);
    },
    join(opts.dataDir, "session-moves.json"),
  );
  // Before the spool ships anything: its usage of sessions still unanswered must wait.
  moves.load();
  // Freeze first, then tell the server: every moment in between is spend past the allowance.
  const freeze = (spent: SpentAllowance[]) => {
    for (const s of spent) {
      // A new allowance re-arms the meter while the runner is still frozen: report it, quietly.
      if (supervisor.status(s.runnerId) !== "paused")
        opts.log("info", "budget allowance spent: pausing the runner", { ...s });
      supervisor.pause(s.runnerId).then(
        () => spentReports.report(s),
        (err: unknown) =>
          opts.log("warn", "could not pause a runner past its allowance", { runnerId: s.runnerId, error: String(err) }),
      );
    }
  };

  const shipper = new UsageShipper({
    pollMs: ALLOWANCE_POLL_MS,
    watched: (runnerId) => meter.watching(runnerId),
    onRecords: (runnerId, records) => freeze(meter.add(runnerId, records)),
    dataDir: opts.dataDir,
    configDir: opts.claudeConfigDir,
    intervalMs: opts.usageIntervalMs,
    log: opts.log,
    sessionState: (runnerId, sessionId) => moves.state(runnerId, sessionId),
    send: (batch) => ask("usage:batch", batch, 15_000, batchAckSchema, batchFailed),
    archive: (batch) => ask("transcript:batch", batch, 30_000, batchAckSchema, batchFailed),
  });
  await shipper.start();
  const cwds = new Map<string, string>();
  const launches = new Map<string, string>();

  supervisor.on("output", ({ runnerId, seq, data }) => socket?.emit("runner:output", { runnerId, seq, data }));
  supervisor.on("exited", ({ runnerId, pid, exitCode, signal, endedBy, oomKilled }) => {
    const launch = launches.get(runnerId);
    exitReports.report({
      runnerId,
      pid,
      ...(launch ? { launch } : {}),
      exitCode,
      signal: signal ?? null,
      endedBy: endedBy === "process" ? "process" : "user",
      ...(endedBy === "agent" ? { agentStopping: true } : {}),
      ...(oomKilled ? { oomKilled } : {}),
    });
  });
  supervisor.on("session", ({ runnerId, sessionId }) => {
    moves.launched(runnerId, supervisor.list().find((r) => r.runnerId === runnerId)?.pid, sessionId);
    const cwd = cwds.get(runnerId);
    if (cwd) shipper.track(runnerId, cwd, sessionId);
  });
  supervisor.on("exited", ({ runnerId }) => {
    moves.ended(runnerId);
    shipper.finish(runnerId);
    meter.forget(runnerId);
    spentReports.drop(runnerId);
    cwds.delete(runnerId);
    launches.delete(runnerId);
  });

  const { inventory, launch, signal } = runnerCommands({
    opts,
    supervisor,
    childEnv,
    meter,
    spentReports,
    cwds,
    launches,
    forgetReports: (runnerId) => {
      exitReports.drop(runnerId);
      moves.forget(runnerId);
    },
  });

  // The server shows the node's isolation on the Nodes page and words pause accordingly;
  // `folders`: it may ask which folders exist here before placing a launch.
  socket = await connectToServer(
    { ...opts, hello: { ...opts.hello, capabilities: { ...isolation.capabilities, folders: true } } },
    {
      onWelcome: (s) => {
        welcomed = true;
        // Exits the last connection lost are recorded before the inventory: a runner missing
        // from it would otherwise end as lost with the agent (agent_restarted), a failure.
        moves.retry();
        exitReports.retry();
        void exitReports.settled(EXIT_REPORT_WAIT_MS).then(() => {
          const runners = inventory();
          s.emit("agent:inventory", { runners });
          // A restarted server lost its terminal buffers: hand them back (it drops seqs it already has).
          for (const r of runners) {
            for (const chunk of supervisor.scrollback(r.runnerId))
              s.emit("runner:output", { runnerId: r.runnerId, seq: chunk.seq, data: chunk.data });
          }
        });
      },
      onFatal,
    },
  );
  socket.on("disconnect", () => {
    welcomed = false;
  });
  socket.on("agent:launch", (cmd, ack) => void launch(cmd).then(ack));
  socket.on("agent:signal", (cmd, ack) => void signal(cmd).then(ack));
  socket.on(
    "agent:restore",
    (raw, ack) =>
      void restoreTranscript(opts.claudeConfigDir, raw).then(ack, (err: unknown) =>
        ack({ ok: false, code: "RESTORE_FAILED", message: String(err) }),
      ),
  );
  socket.on("agent:folders", (raw, ack) => void folderPresence(raw).then(ack));
  socket.on("agent:logs", (raw, ack) => void answerLogRequest(logDir, raw).then(ack));
  socket.on("agent:allowances", (raw) => {
    const p = allowancesCommandSchema.safeParse(raw);
    if (p.success) freeze(meter.setAllowances(p.data));
    else opts.log("warn", "malformed allowances ignored", {});
  });
  socket.on("agent:input", (raw) => {
    const p = inputCommandSchema.safeParse(raw);
    if (p.success) ignoreUnknown(() => supervisor.write(p.data.runnerId, p.data.data));
  });
  socket.on("agent:resize", (raw) => {
    const p = resizeCommandSchema.safeParse(raw);
    if (p.success) ignoreUnknown(() => supervisor.resize(p.data.runnerId, p.data.cols, p.data.rows));
  });

  const hostLoad = hostLoadSampler();
  const beat = setInterval(() => {
    if (!socket?.connected) return;
    spentReports.retry();
    moves.retry();
    exitReports.retry();
    supervisor
      .sample()
      .then((items) =>
        socket?.emit("agent:heartbeat", {
          deadLetters: shipper.deadLetterCount,
          spooled: shipper.spooledCount,
          host: hostLoad(),
          runners: items
            .filter((i) => ACTIVE.has(i.status))
            .map((i) => ({
              runnerId: i.runnerId,
              status: i.status as "running",
              pid: i.pid,
              cpuPercent: i.cpuPercent,
              rssBytes: i.rssBytes,
              activity: toReport(i.activity, Date.now()),
            })),
        }),
      )
      .catch((err: unknown) => opts.log("warn", "heartbeat sample failed", { error: String(err) }));
  }, opts.heartbeatMs);

  const reportActivity = activityReporter(
    () => supervisor.activity(),
    (r) => socket?.emit("runner:activity", r),
  );
  const looks = setInterval(() => {
    if (socket?.connected) reportActivity();
    void moves.look();
  }, ACTIVITY_LOOK_MS);

  return {
    supervisor,
    async shutdown() {
      clearInterval(beat);
      clearInterval(looks);
      await supervisor.shutdown();
      // The process exits right after this: an exit still unsent or unanswered is lost (the
      // reports are not kept across a restart), and the server ends the runner later as lost, a
      // failure, not as stopped. With no connection there is no one to wait for; either way the
      // log says so, the one trace of why those runners end as failed.
      if (socket?.connected)
        await Promise.all([exitReports.settled(EXIT_REPORT_WAIT_MS), moves.settled(EXIT_REPORT_WAIT_MS)]);
      const unconfirmed = exitReports.pending() + moves.pending();
      if (unconfirmed > 0)
        opts.log("warn", "stopping without the server's record of every runner's exit and session", {
          unconfirmed,
          connected: socket?.connected ?? false,
        });
      await shipper.stop();
      socket?.disconnect();
    },
  };
}

/** Input for a runner that just ended is dropped silently: typing into a closed terminal. */
function ignoreUnknown(fn: () => void): void {
  try {
    fn();
  } catch {
    // the runner is gone; nothing to deliver to
  }
}
