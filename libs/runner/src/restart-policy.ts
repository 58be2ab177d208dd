/** Who ended a runner: a person, a budget action, the agent itself (shutdown), or the process on its own. */
export type EndedBy = "user" | "budget" | "process" | "agent";

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

/** Delay before restart number `attempt` (1-based): base, 2×base, 4×base… capped at maxMs. */
export function restartDelayMs(attempt: number, { baseMs = 1000, maxMs = 30_000 }: BackoffOptions = {}): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // Cap the exponent so 2 ** n never overflows to Infinity for absurd attempt counts.
  return Math.min(maxMs, baseMs * 2 ** Math.min(exponent, 30));
}

export interface ExitFacts {
  exitCode: number | null;
  signal: string | null;
  endedBy: EndedBy;
  /** Restarts already made for this runner. */
  attempts: number;
  maxAttempts?: number;
}

/**
 * Only unexpected failures restart: a crash (non-zero exit) or a signal nobody here asked
 * for. Anything a person, a budget or the agent ended stays ended, and a crash loop stops
 * after maxAttempts.
 */
export function shouldRestart({ exitCode, signal, endedBy, attempts, maxAttempts = 3 }: ExitFacts): boolean {
  if (attempts >= maxAttempts) return false;
  if (endedBy !== "process") return false;
  return signal !== null || (exitCode !== null && exitCode !== 0);
}
