import { spawn as ptySpawn } from "node-pty";

/** The slice of node-pty's IPty the runner uses; unit tests hand in a fake. */
export interface PtyProcess {
  readonly pid: number;
  onData(listener: (data: string) => void): unknown;
  onExit(listener: (event: { exitCode: number; signal?: number }) => void): unknown;
  write(data: string): void;
  resize(cols: number, rows: number): void;
}

export interface PtySpawnOptions {
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
}

export type PtySpawn = (file: string, args: string[], options: PtySpawnOptions) => PtyProcess;

/**
 * node-pty forks, calls setsid() and makes the PTY the controlling terminal, so claude is
 * a session leader and closing the PTY sends it SIGHUP. An explicit env (never
 * the parent's environment) also keeps node-pty from "sanitising" it.
 */
export const nodePtySpawn: PtySpawn = (file, args, { cwd, env, cols, rows }) =>
  ptySpawn(file, args, { name: "xterm-256color", cwd, env, cols, rows });

export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  // Bookkeeping must not keep an otherwise finished agent alive.
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};
