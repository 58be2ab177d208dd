import { TRPCClientError } from "@trpc/client";

export interface DescribedError {
  /** The server's error code (VALIDATION, NOT_FOUND…) or a client-side one (UNREACHABLE). */
  code: string;
  message: string;
}

/** Turns anything a call can throw into a code and a one-line message for people. */
export function describeError(err: unknown): DescribedError {
  if (err instanceof TRPCClientError) {
    const data = (err.data ?? {}) as { appCode?: string; code?: string };
    if (data.appCode || data.code) return { code: data.appCode ?? data.code ?? "ERROR", message: err.message };
    const cause = (err.cause ?? {}) as { code?: string; message?: string };
    if (/fetch failed|ECONNREFUSED|ENOTFOUND/i.test(`${err.message} ${cause.message ?? ""} ${cause.code ?? ""}`)) {
      return { code: "UNREACHABLE", message: "Cannot reach the Stratavore server." };
    }
    return { code: "ERROR", message: err.message };
  }
  return { code: "ERROR", message: err instanceof Error ? err.message : String(err) };
}
