import { ERROR_CODES, isErrorCode } from "@stratavore/contracts";

/** Distinct codes so scripts can branch on the kind of failure without parsing stderr. */
export const EXIT = {
  ok: 0,
  generic: 1,
  usage: 2,
  unauthenticated: 3,
  forbidden: 4,
  notFound: 5,
  conflict: 6,
  unreachable: 7,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

// Keyed by the transport category in contracts, so a new server code gets a sensible exit
// code without touching the CLI.
const BY_HTTP: Record<string, ExitCode> = {
  BAD_REQUEST: EXIT.usage,
  PAYLOAD_TOO_LARGE: EXIT.usage,
  UNSUPPORTED_MEDIA_TYPE: EXIT.usage,
  METHOD_NOT_SUPPORTED: EXIT.usage,
  UNAUTHORIZED: EXIT.unauthenticated,
  FORBIDDEN: EXIT.forbidden,
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.conflict,
  PRECONDITION_FAILED: EXIT.conflict,
  SERVICE_UNAVAILABLE: EXIT.unreachable,
};

/** Codes the CLI raises itself, next to the server's. */
const LOCAL: Record<string, ExitCode> = {
  USAGE: EXIT.usage,
  AMBIGUOUS: EXIT.usage,
  NOT_LOGGED_IN: EXIT.unauthenticated,
  UNREACHABLE: EXIT.unreachable,
};

export function exitCodeFor(code: string): ExitCode {
  if (code in LOCAL) return LOCAL[code] as ExitCode;
  if (isErrorCode(code)) return BY_HTTP[ERROR_CODES[code].http] ?? EXIT.generic;
  return EXIT.generic;
}

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  other error
  2  usage error or input rejected by validation
  3  not logged in, or the token is invalid, expired or revoked
  4  forbidden (role or token scope)
  5  not found
  6  conflict or failed precondition (name taken, archived, active runners, quota full,
     no node available, the project's folder on no node, runner not active,
     budget limit reached)
  7  server unreachable, or too busy right now (try again)`;
