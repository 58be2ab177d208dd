import { InvalidArgumentError } from "commander";
import type { CliEnv } from "./env.ts";
import type { Io } from "./io.ts";

/** What every command needs, passed in rather than read from globals. */
export interface CliContext {
  env: CliEnv;
  io: Io;
}

export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("Expected a whole number of at least 1.");
  return Number(value);
}

export function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("Expected a whole number (0 or more).");
  return Number(value);
}

/** A price in US dollars per million tokens: 0 or more ("3", "0.30", "$15"); the server bounds it. */
export function pricePerMillion(value: string): number {
  const text = value.trim().replace(/^\$/, "");
  if (!/^\d+(\.\d+)?$/.test(text))
    throw new InvalidArgumentError("Expected US dollars per million tokens (e.g. 3 or 0.30).");
  return Number(text);
}

/** `--tag a --tag b,c` → [a, b, c]; tags cannot contain commas, so splitting is safe. */
export function collectTags(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
  ];
}
