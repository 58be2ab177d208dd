/**
 * Every error a client can see carries one of these codes. Services throw `AppError(code)`;
 * one middleware (libs/api) maps it to the tRPC error code listed here.
 */
export const ERROR_CODES = {
  UNAUTHENTICATED: { http: "UNAUTHORIZED", message: "Sign in first." },
  FORBIDDEN: { http: "FORBIDDEN", message: "You are not allowed to do this." },
  TOKEN_SCOPE: { http: "FORBIDDEN", message: "This API token lacks the scope for this call." },
  VALIDATION: { http: "BAD_REQUEST", message: "The request is not valid." },
  NOT_FOUND: { http: "NOT_FOUND", message: "Not found." },
  CONFLICT: { http: "CONFLICT", message: "It already exists." },
  PROJECT_NAME_TAKEN: { http: "CONFLICT", message: "A project with this name already exists." },
  PROJECT_HAS_ACTIVE_RUNNERS: { http: "PRECONDITION_FAILED", message: "The project still has active runners." },
  PROJECT_ARCHIVED: { http: "PRECONDITION_FAILED", message: "The project is archived." },
  EMAIL_TAKEN: { http: "CONFLICT", message: "A user with this email already exists." },
  LAST_ADMIN: { http: "PRECONDITION_FAILED", message: "At least one enabled admin must remain." },
  CANNOT_DISABLE_SELF: { http: "PRECONDITION_FAILED", message: "You cannot disable your own account." },
  QUOTA_EXCEEDED: { http: "PRECONDITION_FAILED", message: "The project's runner quota is full." },
  NO_NODE_AVAILABLE: { http: "PRECONDITION_FAILED", message: "No online node can take this runner." },
  NODE_UNAVAILABLE: { http: "PRECONDITION_FAILED", message: "The requested node is not online or is full." },
  PATH_MISSING: { http: "PRECONDITION_FAILED", message: "The project path does not exist on the node." },
  INVALID_TRANSITION: { http: "CONFLICT", message: "The runner is not in a state that allows this." },
  NOT_RESUMABLE: {
    http: "PRECONDITION_FAILED",
    message: "No transcript of this session exists that Claude Code could resume.",
  },
  RUNNER_NOT_ACTIVE: { http: "PRECONDITION_FAILED", message: "The runner is not active." },
  JOIN_TOKEN_INVALID: { http: "UNAUTHORIZED", message: "The join token is unknown, used, revoked or expired." },
  BUDGET_BLOCKED: { http: "PRECONDITION_FAILED", message: "A budget has reached its limit." },
  RATE_LIMITED: { http: "TOO_MANY_REQUESTS", message: "Too many attempts; try again later." },
  CROSS_SITE: {
    http: "FORBIDDEN",
    message: "Refused: a signed-in browser may only change things from this dashboard's own pages.",
  },
  UNSUPPORTED_MEDIA_TYPE: { http: "UNSUPPORTED_MEDIA_TYPE", message: "Send the request body as application/json." },
  METHOD_NOT_ALLOWED: { http: "METHOD_NOT_SUPPORTED", message: "This route does not take that HTTP method." },
  PAYLOAD_TOO_LARGE: { http: "PAYLOAD_TOO_LARGE", message: "The request is too large." },
  SESSION_ENDED: { http: "UNAUTHORIZED", message: "This sign-in has ended; sign in again." },
  WRONG_PASSWORD: { http: "BAD_REQUEST", message: "The current password is not correct." },
  BACKUP_INVALID: { http: "BAD_REQUEST", message: "This is not an intact Stratavore backup." },
  BACKUP_SCHEMA: {
    http: "PRECONDITION_FAILED",
    message: "The backup and this database are at schemas that cannot be matched.",
  },
  RESTORE_TARGET_NOT_EMPTY: { http: "PRECONDITION_FAILED", message: "Restore only into an empty database." },
  BACKUP_IN_PROGRESS: { http: "CONFLICT", message: "A backup is already being made; try again when it is done." },
  JOBS_UNAVAILABLE: { http: "PRECONDITION_FAILED", message: "This server process runs no job queue." },
  CHAIN_VERIFY_RUNNING: { http: "CONFLICT", message: "A verification of the audit chain is already running." },
  SERVER_BUSY: {
    http: "SERVICE_UNAVAILABLE",
    message:
      "The server is too busy to take this now (no database connection came free in time); try again in a moment.",
  },
  INTERNAL: { http: "INTERNAL_SERVER_ERROR", message: "Something went wrong on the server." },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type TrpcHttpCode = (typeof ERROR_CODES)[ErrorCode]["http"];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && value in ERROR_CODES;
}
