import { expect } from "vitest";
import type { RunResult } from "./cli-harness.ts";

/** Every failure is exactly one `error [CODE]: …` line on stderr and nothing on stdout. */
export function expectFailure(r: RunResult, exitCode: number, code: string, message?: RegExp): void {
  expect(r.code, r.stderr).toBe(exitCode);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error \\[${code}\\]: \\S`));
  if (message) expect(lines[0]).toMatch(message);
}
