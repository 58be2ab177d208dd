import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { issueLocalJoinToken, type ApiDeps } from "@stratavore/api";
import type { Log } from "./logger.ts";

export interface LocalAgent {
  stop(): Promise<void>;
}

/**
 * `npm start` runs one agent on this machine as a child process (a real agent, the same code
 * as on any other node). It joins once with a token the server issues itself and keeps its
 * credential under the data directory; its log lines are forwarded to ours.
 */
export async function startLocalAgent(opts: { repoRoot: string; dataDir: string; serverUrl: string; deps: ApiDeps; log: Log; env: Record<string, string | undefined>; claudeBin?: string }): Promise<LocalAgent> {
  const agentDir = join(opts.dataDir, "agent");
  const args = ["--import", "tsx", join(opts.repoRoot, "apps/agent/src/main.ts"), "--server", opts.serverUrl, "--data-dir", agentDir, "--name", "local", "--parent-pid", String(process.pid)];
  if (opts.claudeBin) args.push("--claude-bin", opts.claudeBin);
  if (!existsSync(join(agentDir, "node-credential.json"))) args.push("--join-token", await issueLocalJoinToken(opts.deps));
  const child: ChildProcess = spawn(process.execPath, args, { cwd: opts.repoRoot, env: opts.env as NodeJS.ProcessEnv, stdio: ["ignore", "inherit", "pipe"] });
  if (child.stderr) createInterface({ input: child.stderr }).on("line", (line) => {
    try {
      const { level, msg, ...meta } = JSON.parse(line) as { level: "info" | "warn" | "error"; msg: string };
      opts.log(level, `agent: ${msg}`, meta);
    } catch {
      opts.log("info", `agent: ${line}`);
    }
  });
  child.on("exit", (code, signal) => opts.log(code === 0 || signal === "SIGTERM" ? "info" : "error", "local agent exited", { code, signal }));
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
