import { launchCommandSchema, signalCommandSchema, type LaunchAck, type SignalAck } from "@stratavore/contracts";
import { RunnerError, type Supervisor } from "@stratavore/runner";
import type { AgentOptions } from "./agent-options.ts";
import type { SpendMeter } from "./spend-meter.ts";
import type { ConfirmedReports } from "./confirmed-reports.ts";
import type { SpentAllowance } from "./spend-meter.ts";

// Process states of a runner on this node (PtyRunner), not the database statuses: no "lost" here.
export const ACTIVE = new Set(["starting", "running", "paused", "stopping"]);

export interface RunnerCommandDeps {
  opts: AgentOptions;
  supervisor: Supervisor;
  childEnv: Record<string, string>;
  meter: SpendMeter;
  spentReports: ConfirmedReports<SpentAllowance>;
  /** Drops every report still unconfirmed about an earlier run of the runner. */
  forgetReports: (runnerId: string) => void;
  /** Launched runners' working directories: the usage shipper needs one once the session id is known. */
  cwds: Map<string, string>;
  /** Launched runners' launch tokens (the command's `launch`), said back in their exit reports. */
  launches: Map<string, string>;
}

/** The server's launch and signal commands to this node, and the runners it has for the inventory. */
export function runnerCommands({
  opts,
  supervisor,
  childEnv,
  meter,
  spentReports,
  cwds,
  launches,
  forgetReports,
}: RunnerCommandDeps) {
  const inventory = () =>
    supervisor
      .list()
      .filter((r) => ACTIVE.has(r.status))
      .map((r) => ({
        runnerId: r.runnerId,
        pid: r.pid,
        status: r.status as "starting" | "running" | "paused" | "stopping",
      }));

  async function launch(raw: unknown): Promise<LaunchAck> {
    const parsed = launchCommandSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, code: "SPAWN_FAILED", message: "Malformed launch command." };
    const cmd = parsed.data;
    if (supervisor.list().some((r) => r.runnerId === cmd.runnerId && ACTIVE.has(r.status)))
      return { ok: false, code: "DUPLICATE", message: "This runner is already running here." };
    if (inventory().length >= opts.hello.capacity)
      return { ok: false, code: "AT_CAPACITY", message: `Node is at capacity (${opts.hello.capacity}).` };
    if (!opts.claudeBin)
      return {
        ok: false,
        code: "SPAWN_FAILED",
        message: "No `claude` binary on this node (install @anthropic-ai/claude-code or pass --claude-bin).",
      };
    try {
      // A restart of the same runner here: what was still being said about its last run (an
      // exit whose answer was late) must not be taken as news about this one.
      forgetReports(cmd.runnerId);
      cwds.set(cmd.runnerId, cmd.cwd);
      if (cmd.launch) launches.set(cmd.runnerId, cmd.launch);
      else launches.delete(cmd.runnerId);
      meter.start(cmd.runnerId, cmd.allowances);
      const pid = supervisor.launch({
        runnerId: cmd.runnerId,
        cwd: cmd.cwd,
        claudeBin: opts.claudeBin,
        spec: cmd.spec,
        env: childEnv,
        cols: cmd.cols,
        rows: cmd.rows,
        limits: cmd.limits,
      });
      opts.log("info", "runner started", { runnerId: cmd.runnerId, pid });
      return { ok: true, pid };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      meter.forget(cmd.runnerId);
      launches.delete(cmd.runnerId);
      const missing = err instanceof RunnerError && (err.code === "CWD_MISSING" || err.code === "CWD_NOT_DIRECTORY");
      return { ok: false, code: missing ? "PATH_MISSING" : "SPAWN_FAILED", message };
    }
  }

  async function signal(raw: unknown): Promise<SignalAck> {
    const parsed = signalCommandSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, code: "SIGNAL_FAILED", message: "Malformed command." };
    const { runnerId, action } = parsed.data;
    if (!supervisor.list().some((r) => r.runnerId === runnerId && ACTIVE.has(r.status)))
      return { ok: false, code: "UNKNOWN_RUNNER", message: "This node does not run that runner." };
    try {
      if (action === "pause") await supervisor.pause(runnerId);
      else if (action === "resume") {
        // Thawed on a spent share it would spend a whole response more: the budget's next
        // push (once the ledger has caught up with this node's count) brings a fresh one.
        const spent = meter.spent(runnerId)[0];
        if (spent)
          return {
            ok: false,
            code: "ALLOWANCE_SPENT",
            budgetId: spent.budgetId,
            message: `Budget '${spent.budgetName}': this runner's share of what remained is spent (${spent.spentTokens} tokens); it thaws when the budget has room for it again.`,
          };
        await supervisor.resume(runnerId);
        meter.thawed(runnerId);
        spentReports.drop(runnerId);
      }
      // stop/kill complete asynchronously; the exit is reported by the `exited` event.
      else void (action === "stop" ? supervisor.stop(runnerId) : supervisor.kill(runnerId));
      return { ok: true };
    } catch (err) {
      return { ok: false, code: "SIGNAL_FAILED", message: err instanceof Error ? err.message : String(err) };
    }
  }

  return { inventory, launch, signal };
}
