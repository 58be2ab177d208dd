import { describeError } from "@stratavore/api-client";
import { exitCodeFor } from "./exit-codes.ts";

/** An error the CLI detects itself; `code` shares the namespace of the server's codes. */
export class CliError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "CliError";
    this.code = code;
  }
}

export const usageError = (message: string) => new CliError("USAGE", message);

export interface Failure {
  line: string;
  exitCode: number;
}

/** The single place any failure becomes the one stderr line and the exit code. */
export function toFailure(err: unknown): Failure {
  const { code, message } = err instanceof CliError ? err : describeError(err);
  // Server messages may carry newlines (field lists); the contract is one line.
  const oneLine = message.replace(/\s*\n\s*/g, "; ").trim();
  return { line: `error [${code}]: ${oneLine}`, exitCode: exitCodeFor(code) };
}
