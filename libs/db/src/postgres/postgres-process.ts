import { spawn, type ChildProcess } from "node:child_process";

export type PostgresState = "starting" | "up" | "restarting" | "down" | "stopped";
type Level = "debug" | "info" | "warn" | "error";

export interface PostgresProcessOptions {
  bin: string;
  dataDir: string;
  port: number;
  /** Run as this user (the `postgres` OS user when we are root). */
  ids: { uid?: number; gid?: number };
  log: (level: Level, msg: string, meta?: Record<string, unknown>) => void;
  /** Restarts allowed within ten minutes before giving up (default 5). */
  maxRestarts?: number;
}

const READY = "database system is ready to accept connections";
const RESTART_WINDOW_MS = 10 * 60_000;

/**
 * The embedded PostgreSQL as a supervised child. It runs in its own process group, so a Ctrl-C
 * in the terminal reaches only the server, which stops it last (after its final writes). If it
 * dies while serving it is restarted with backoff, at most `maxRestarts` times in ten minutes,
 * and every death and restart is logged at error/info level. A start that fails says why: the
 * last lines PostgreSQL wrote.
 */
export class PostgresProcess {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts: number[] = [];
  private recent: string[] = [];
  private current: PostgresState = "stopped";
  private readonly exitHook = () => this.child?.kill("SIGINT");

  constructor(private readonly opts: PostgresProcessOptions) {}

  get state(): PostgresState {
    return this.current;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    this.current = "starting";
    // Last resort for a crash of the server: a plain exit must not leave PostgreSQL behind.
    process.on("exit", this.exitHook);
    await this.spawnOnce();
    this.current = "up";
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.current = "stopped";
    process.off("exit", this.exitHook);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      // SIGINT is PostgreSQL's fast shutdown; a server that does not end in 20 s is killed.
      const force = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.once("exit", () => {
        clearTimeout(force);
        resolve();
      });
      child.kill("SIGINT");
    });
  }

  private spawnOnce(): Promise<void> {
    const { bin, dataDir, port, ids, log } = this.opts;
    return new Promise((resolve, reject) => {
      // English messages whatever the locale: "ready to accept connections" is how we know.
      const child = spawn(bin, ["-D", dataDir, "-p", String(port), "-c", "lc_messages=C"], {
        ...ids,
        detached: true,
        stdio: ["ignore", "ignore", "pipe"],
      });
      this.child = child;
      let ready = false;
      let partial = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        const lines = (partial + chunk.toString("utf8")).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines.filter(Boolean)) {
          this.recent = [...this.recent.slice(-19), line];
          log("debug", "postgres", { line });
          if (!ready && line.includes(READY)) {
            ready = true;
            resolve();
          }
        }
      });
      child.once("error", (err) => reject(new Error(`PostgreSQL could not be started (${bin}): ${err.message}`)));
      child.once("exit", (code, signal) => {
        if (this.child === child) this.child = null;
        if (!ready) {
          const why = this.recent.slice(-6).join(" | ") || "no output";
          return reject(new Error(`PostgreSQL exited while starting (${signal ?? `exit code ${code}`}): ${why}`));
        }
        if (!this.stopping) this.crashed(code, signal);
      });
    });
  }

  private crashed(code: number | null, signal: NodeJS.Signals | null): void {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    const max = this.opts.maxRestarts ?? 5;
    const last = this.recent.slice(-3).join(" | ");
    if (this.restarts.length >= max) {
      this.current = "down";
      this.opts.log("error", "embedded PostgreSQL died again; not restarting it", {
        code,
        signal,
        restartsInTenMinutes: this.restarts.length,
        last,
      });
      return;
    }
    this.restarts.push(now);
    this.current = "restarting";
    // Its backends notice the postmaster is gone and exit within moments; until they have, a
    // new postmaster refuses the data directory — hence the backoff.
    const delayMs = 500 * 2 ** (this.restarts.length - 1);
    this.opts.log("error", "embedded PostgreSQL died; restarting it", {
      code,
      signal,
      attempt: this.restarts.length,
      of: max,
      delayMs,
      last,
    });
    setTimeout(() => {
      if (this.stopping) return;
      this.spawnOnce().then(
        () => {
          this.current = "up";
          this.opts.log("info", "embedded PostgreSQL restarted", { attempt: this.restarts.length });
        },
        (err: unknown) => {
          this.opts.log("error", "restarting embedded PostgreSQL failed", { error: String(err) });
          if (!this.stopping) this.crashed(null, null);
        },
      );
    }, delayMs).unref();
  }
}
