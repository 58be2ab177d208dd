import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { AppError, ERROR_CODES, type ErrorCode } from "@stratavore/contracts";

export type Issue = { path: string; message: string };

function prismaCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^P\d{4}$/.test(code) ? code : undefined;
}

/**
 * Overload, not a fault: the pool had no connection free within its wait (pg-pool's timeout),
 * a transaction could not start in time (Prisma P2028), or PostgreSQL refused a connection
 * for want of slots (53300; P2037 through Prisma). The caller may simply try again.
 */
function isOverload(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  // 53300 as PostgreSQL says it; P2037 as Prisma's adapter reports the same ("too many connections").
  if (e?.code === "P2028" || e?.code === "P2037" || e?.code === "53300") return true;
  return typeof e?.message === "string" && /timeout exceeded when trying to connect/.test(e.message);
}

/**
 * A failure outside a procedure (agent acks, browser socket events) as what the client is told,
 * by the same rules as `toAppError`: a service's AppError as it is, overload as SERVER_BUSY
 * (retry); null for anything else — a fault, which the caller logs and answers INTERNAL.
 */
export function expectedAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  return isOverload(err) ? new AppError("SERVER_BUSY") : null;
}

const APP_CODE_FOR_TRPC: Partial<Record<TRPCError["code"], ErrorCode>> = {
  UNAUTHORIZED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  BAD_REQUEST: "VALIDATION",
  PARSE_ERROR: "VALIDATION",
  METHOD_NOT_SUPPORTED: "VALIDATION",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
};

/**
 * The one place errors become what clients see (DESIGN.md §9 rule 4). The result is always
 * an AppError: services' own keep their code; Prisma's unique violation → CONFLICT and missing
 * row → NOT_FOUND; overload → SERVER_BUSY (503, retry); bad input → VALIDATION with field issues; tRPC's routing errors keep their
 * meaning; anything else → INTERNAL with a generic message (the caller logs the real cause).
 */
export function toAppError(error: TRPCError): AppError {
  const cause = error.cause;
  if (cause instanceof AppError) return cause;
  if (cause instanceof ZodError) {
    // A ZodError outside BAD_REQUEST is an *output* validation failure: our bug, not the client's.
    if (error.code !== "BAD_REQUEST") return new AppError("INTERNAL");
    const issues: Issue[] = cause.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    return new AppError("VALIDATION", `Invalid input — ${summary}`, { issues });
  }
  const p = prismaCode(cause);
  if (p === "P2002") return new AppError("CONFLICT");
  if (p === "P2025") return new AppError("NOT_FOUND");
  if (isOverload(cause)) return new AppError("SERVER_BUSY");
  const mapped = APP_CODE_FOR_TRPC[error.code];
  if (mapped && !cause) return new AppError(mapped, error.message);
  if (mapped === "VALIDATION") return new AppError("VALIDATION", "The request body could not be read.");
  if (mapped) return new AppError(mapped);
  return new AppError("INTERNAL");
}

export function toTrpcError(app: AppError): TRPCError {
  return new TRPCError({ code: ERROR_CODES[app.code].http, message: app.message, cause: app });
}
