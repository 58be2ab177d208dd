import { describe, expect, it } from "vitest";
import { ERROR_CODES, type ErrorCode } from "@stratavore/contracts";
import { EXIT, EXIT_CODES_HELP, exitCodeFor } from "./exit-codes.ts";

describe("exitCodeFor", () => {
  it("gives every server code a documented exit code", () => {
    const expected: Record<ErrorCode, number> = {
      UNAUTHENTICATED: 3,
      FORBIDDEN: 4,
      TOKEN_SCOPE: 4,
      VALIDATION: 2,
      NOT_FOUND: 5,
      CONFLICT: 6,
      PROJECT_NAME_TAKEN: 6,
      PROJECT_HAS_ACTIVE_RUNNERS: 6,
      PROJECT_ARCHIVED: 6,
      EMAIL_TAKEN: 6,
      LAST_ADMIN: 6,
      CANNOT_DISABLE_SELF: 6,
      QUOTA_EXCEEDED: 6,
      NO_NODE_AVAILABLE: 6,
      NODE_UNAVAILABLE: 6,
      PATH_MISSING: 6,
      INVALID_TRANSITION: 6,
      RUNNER_NOT_ACTIVE: 6,
      NOT_RESUMABLE: 6,
      JOIN_TOKEN_INVALID: 3,
      BUDGET_BLOCKED: 6,
      RATE_LIMITED: 1,
      CROSS_SITE: 4,
      UNSUPPORTED_MEDIA_TYPE: 2,
      METHOD_NOT_ALLOWED: 2,
      PAYLOAD_TOO_LARGE: 2,
      SESSION_ENDED: 3,
      WRONG_PASSWORD: 2,
      BACKUP_INVALID: 2,
      BACKUP_SCHEMA: 6,
      RESTORE_TARGET_NOT_EMPTY: 6,
      BACKUP_IN_PROGRESS: 6,
      JOBS_UNAVAILABLE: 6,
      CHAIN_VERIFY_RUNNING: 6,
      SERVER_BUSY: 7,
      INTERNAL: 1,
    };
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[])
      expect([code, exitCodeFor(code)]).toEqual([code, expected[code]]);
    for (const n of Object.values(EXIT)) expect(EXIT_CODES_HELP).toMatch(new RegExp(`^  ${n}  `, "m"));
  });

  it("maps the CLI's own codes and unknown ones", () => {
    expect(exitCodeFor("USAGE")).toBe(2);
    expect(exitCodeFor("AMBIGUOUS")).toBe(2);
    expect(exitCodeFor("NOT_LOGGED_IN")).toBe(3);
    expect(exitCodeFor("UNREACHABLE")).toBe(7);
    expect(exitCodeFor("SOMETHING_NEW")).toBe(1);
  });
});
