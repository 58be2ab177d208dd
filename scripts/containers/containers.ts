import { writeFileSync } from "node:fs";
import { podman, podmanOk, ULIMITS } from "./podman.ts";

export interface ContainerSpec {
  name: string;
  image: string;
  env: Record<string, string>;
  /** Host directory → container path, mounted read-only (secret files). */
  secrets: Record<string, string>;
  args?: string[];
}

/**
 * Starts a container in the background on the host's network: the test's PostgreSQL is an
 * embedded one listening on the host's loopback, which a bridged container cannot reach.
 */
export async function startContainer(spec: ContainerSpec): Promise<void> {
  const args = ["run", "-d", "--name", spec.name, "--network", "host", ...ULIMITS];
  for (const [name, value] of Object.entries(spec.env)) args.push("-e", `${name}=${value}`);
  for (const [host, inside] of Object.entries(spec.secrets)) args.push("-v", `${host}:${inside}:ro`);
  await podmanOk([...args, spec.image, ...(spec.args ?? [])]);
}

export async function isRunning(name: string): Promise<boolean> {
  const res = await podman(["inspect", "--format", "{{.State.Running}}", name]);
  return res.code === 0 && res.stdout.trim() === "true";
}

/** A command inside a running container, with extra environment; its stdout. */
export async function execIn(name: string, env: Record<string, string>, command: string[]): Promise<string> {
  const flags = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  return podmanOk(["exec", ...flags, name, ...command]);
}

export async function lastLogLines(name: string, lines = 30): Promise<string> {
  const res = await podman(["logs", "--tail", String(lines), name]);
  return (res.stdout + res.stderr).trimEnd();
}

/** Keeps the container's log for a reader of the CI output, then removes it and its anonymous volumes. */
export async function removeContainer(name: string, logFile: string): Promise<void> {
  const logs = await podman(["logs", name]);
  if (logs.code === 0) writeFileSync(logFile, logs.stdout + logs.stderr);
  await podman(["rm", "--force", "--volumes", "--time", "5", name]);
}

/** Polls until `check` returns a value; stops early when the container it waits on has exited. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null>,
  { timeoutMs, container }: { timeoutMs: number; container?: string },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== null) return value;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (container && !(await isRunning(container)))
      throw new Error(`${container} exited while waiting for ${what}:\n${await lastLogLines(container)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`no ${what} after ${timeoutMs / 1000} s${lastError ? ` (last error: ${lastError})` : ""}`);
}
