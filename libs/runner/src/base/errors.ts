/**
 * Typed errors of the runner library. The agent turns them into `runner:launch-failed`
 * payloads or command replies by `code`, so codes are stable and messages are for humans.
 */
export type RunnerErrorCode =
  | "CWD_MISSING"
  | "CWD_NOT_DIRECTORY"
  | "COMMAND_NOT_FOUND"
  | "COMMAND_NOT_EXECUTABLE"
  | "SPAWN_FAILED"
  | "INVALID_ARGS"
  | "INVALID_STATE"
  | "UNKNOWN_RUNNER"
  | "RUNNER_EXISTS"
  | "INVALID_RUNNER_ID";

export class RunnerError extends Error {
  readonly code: RunnerErrorCode;

  constructor(code: RunnerErrorCode, message: string) {
    super(message);
    this.name = "RunnerError";
    this.code = code;
  }
}

/** The process could not be started; nothing was spawned. */
export class SpawnError extends RunnerError {
  constructor(
    code: Extract<
      RunnerErrorCode,
      "CWD_MISSING" | "CWD_NOT_DIRECTORY" | "COMMAND_NOT_FOUND" | "COMMAND_NOT_EXECUTABLE" | "SPAWN_FAILED"
    >,
    message: string,
  ) {
    super(code, message);
    this.name = "SpawnError";
  }
}

/** A launch spec that claude would reject or misread. */
export class ClaudeArgsError extends RunnerError {
  constructor(message: string) {
    super("INVALID_ARGS", message);
    this.name = "ClaudeArgsError";
  }
}

/** The command does not apply to the runner's current state (e.g. pause after exit). */
export class RunnerStateError extends RunnerError {
  constructor(message: string) {
    super("INVALID_STATE", message);
    this.name = "RunnerStateError";
  }
}

export class UnknownRunnerError extends RunnerError {
  readonly runnerId: string;

  constructor(runnerId: string) {
    super("UNKNOWN_RUNNER", `No runner ${runnerId} on this node.`);
    this.name = "UnknownRunnerError";
    this.runnerId = runnerId;
  }
}
