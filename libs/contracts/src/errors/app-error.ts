import { ERROR_CODES, type ErrorCode } from "./error-codes.ts";

/** The one error type services throw; the API's error middleware translates it. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERROR_CODES[code].message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
  }
}
