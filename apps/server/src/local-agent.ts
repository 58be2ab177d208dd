import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { issueLocalJoinToken, type ApiDeps } from "@stratavore/api";
import type { Log } from "./logger.ts";
import { RUNS_BUNDLED } from "./bundled.ts";

export interface LocalAgent {
  stop(): Promise<void>;
}

interface LocalAgentOptions {
  repoRoot: string;
  dataDir: string;
  serverUrl: string;
  deps: ApiDeps;
  log: Log;
  env: Record<string, string | undefined>;
  claudeBin?: string;
  /** Variable names claude may see beyond the agent's allow-list (`--pass-env`). */
  passEnv?: string[];
}

function forwardLogs(child: ChildProcess, log: Log): void {
  if (!child.stderr) return;
  createInterface({ input: child.stderr }).on("line", (line) => {
    try {
      const { level, msg, ...meta } = JSON.parse(line) as { level: "info" | "warn" | "error"; msg: string };
      log(level, `agent: ${msg}`, meta);
    } catch {
      log("info", `agent: ${line}`);
    }
  });
}

/** The agent runs as the server does: bundled beside a bundled server, else from its sources through tsx. */
function agentEntry(repoRoot: string): string[] {
  return RUNS_BUNDLED
    ? [join(repoRoot, "dist/apps/agent/main.mjs")]
    : ["--import", "tsx", join(repoRoot, "apps/agent/src/main.ts")];
}

/**
 * `npm start` runs one agent on this machine as a child process (a real agent, the same code
 * as on any other node). It joins once with a token the server issues itself — passed in the
 * environment, not argv, where `ps` would show it — and keeps its credential under the data
 * directory. If it dies it is started again after a pause; its log lines are forwarded to ours.
 */
export async function startLocalAgent(opts: LocalAgentOptions): Promise<LocalAgent> {
  const agentDir = join(opts.dataDir, "agent");
  let child: ChildProcess | null = null;
  let stopping = false;
  let restarts = 0;

  const launch = async () => {
    const args = [
      ...agentEntry(opts.repoRoot),
      "--server",
      opts.serverUrl,
      "--data-dir",
      agentDir,
      "--name",
      "local",
      "--parent-pid",
      String(process.pid),
      "--local",
    ];
    if (opts.claudeBin) args.push("--claude-bin", opts.claudeBin);
    if (opts.passEnv?.length) args.push("--pass-env", opts.passEnv.join(","));
    const env = { ...opts.env };
    if (!existsSync(join(agentDir, "node-credential.json")))
      env.STRATAVORE_JOIN_TOKEN = await issueLocalJoinToken(opts.deps);
    const started = Date.now();
    const current = spawn(process.execPath, args, {
      cwd: opts.repoRoot,
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "inherit", "pipe"],
      // Its own process group: a Ctrl-C in the terminal reaches only the server, which stops
      // the agent first and the database last (an agent dying on its own is restarted).
      detached: true,
    });
    child = current;
    forwardLogs(current, opts.log);
    current.on("exit", (code, signal) => {
      if (stopping) return opts.log("info", "local agent stopped", { code, signal });
      // Back off if it keeps dying young; a long-lived agent that dies starts again at once.
      restarts = Date.now() - started > 60_000 ? 0 : restarts + 1;
      const delay = Math.min(30_000, 1000 * 2 ** restarts);
      opts.log("error", "local agent exited; starting it again", { code, signal, inMs: delay });
      setTimeout(
        () =>
          void (stopping
            ? undefined
            : launch().catch((err: unknown) =>
                opts.log("error", "local agent restart failed", { error: String(err) }),
              )),
        delay,
      ).unref();
    });
  };
  await launch();

  return {
    async stop() {
      stopping = true;
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
      c.kill("SIGTERM");
      const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
