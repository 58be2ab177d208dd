import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

/**
 * Flags this kind of machine needs (stack.md, Containers): crun fails on its cgroups, runc
 * works, and there is no systemd to manage cgroups.
 */
const GLOBAL_FLAGS = ["--runtime", "runc", "--cgroup-manager=cgroupfs"];
/** runc refuses the host's unlimited defaults; builds and containers get these instead. */
export const ULIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs podman; with `logFile`, its output is appended there instead of kept (builds print thousands of lines). */
export function podman(args: string[], { logFile }: { logFile?: string } = {}): Promise<Result> {
  return new Promise((resolveRun, reject) => {
    const child = spawn("podman", [...GLOBAL_FLAGS, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const log = logFile ? createWriteStream(logFile, { flags: "a" }) : null;
    child.stdout.on("data", (d: Buffer) => (log ? log.write(d) : (stdout += d.toString())));
    child.stderr.on("data", (d: Buffer) => (log ? log.write(d) : (stderr += d.toString())));
    child.on("error", reject);
    child.on("close", (code) => {
      const done = () => resolveRun({ code: code ?? 1, stdout, stderr });
      if (log) log.end(done);
      else done();
    });
  });
}

/** podman, failing with its own error text when it exits non-zero. */
export async function podmanOk(args: string[]): Promise<string> {
  const res = await podman(args);
  if (res.code !== 0)
    throw new Error(`podman ${args.slice(0, 2).join(" ")} exited ${res.code}: ${res.stderr.trim().slice(-2000)}`);
  return res.stdout;
}

export async function imageExists(name: string): Promise<boolean> {
  return (await podman(["image", "exists", name])).code === 0;
}
