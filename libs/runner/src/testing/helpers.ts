import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hostPath } from "./env.ts";

/** The fake `claude` executable (see fake-claude.mjs). */
export const FAKE_CLAUDE = fileURLToPath(new URL("./fake-claude.mjs", import.meta.url));

/**
 * A throwaway HOME with a project folder inside, so transcripts never touch the real
 * ~/.claude. The folder name has a space and a dot to exercise the project-dir encoding.
 */
export function tempHome(prefix = "stv-runner-"): { home: string; cwd: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const cwd = join(home, "my project.v2");
  mkdirSync(cwd);
  return { home, cwd, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export function fakeEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: hostPath(), HOME: home, TERM: "xterm-256color", ...extra };
}

/** Runs the fake claude to completion (e.g. `-p` to seed a session); returns its stdout. */
export function runFakeClaude(args: string[], cwd: string, home: string): string {
  // Next's global types make NODE_ENV a required ProcessEnv key; the child needs none of it.
  const env = fakeEnv(home) as unknown as NodeJS.ProcessEnv;
  const run = spawnSync(FAKE_CLAUDE, args, { cwd, env, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`fake claude exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/**
 * The one polling helper of the tests (libs, server, CLI): `check` until it gives something
 * truthy, which is returned; past `timeoutMs` it throws naming `what` was awaited.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 5000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Runs a test's cleanups last-first, each one even when an earlier one threw (a database or a
 * server left running would outlive the test), then reports the first error. Empties the list.
 */
export async function runCleanups(list: Array<() => unknown>): Promise<void> {
  const errors: unknown[] = [];
  for (const c of list.splice(0).reverse())
    await Promise.resolve()
      .then(c)
      .catch((err: unknown) => errors.push(err));
  if (errors.length) throw errors[0];
}
