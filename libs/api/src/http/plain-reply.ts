import type { ServerResponse } from "node:http";
import { AppError, ERROR_CODES } from "@stratavore/contracts";

const STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

export function replyJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/**
 * The error translation point for the plain HTTP routes (uploads, backups), as the tRPC
 * error formatter is for procedures: an AppError keeps its code and message; anything else is
 * logged and answered as INTERNAL, with no internals in the body.
 */
export function replyError(res: ServerResponse, err: unknown, log: (msg: string, error: string) => void): void {
  const app = err instanceof AppError ? err : null;
  if (!app) log("request failed", String(err));
  const code = app?.code ?? "INTERNAL";
  if (res.headersSent) return void res.destroy();
  replyJson(res, STATUS[ERROR_CODES[code].http] ?? 500, {
    error: {
      code,
      message: app?.message ?? "Something went wrong on the server.",
      ...(app?.details?.issues ? { issues: app.details.issues } : {}),
    },
  });
}
