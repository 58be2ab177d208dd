import type { IncomingMessage, ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { AppError, TRPC_MAX_BATCH, type ErrorCode } from "@stratavore/contracts";
import { bearerFrom, resolvePrincipal } from "../auth/resolve-principal.ts";
import { appRouter } from "../app/app-router.ts";
import type { ApiDeps, Context } from "../trpc/context.ts";
import { clientIp } from "./client-ip.ts";
import { isJsonBody, isSameOrigin } from "../auth/same-origin.ts";
import { whenAnsweredHook } from "./when-answered.ts";

export const TRPC_PATH = "/api/trpc";

export async function contextFor(deps: ApiDeps, req: IncomingMessage, trustProxy: boolean): Promise<Context> {
  const principal = await resolvePrincipal(deps.db, deps.config.authSecret, {
    cookieHeader: req.headers.cookie,
    bearer: bearerFrom(req.headers.authorization),
  });
  return { ...deps, principal, ip: clientIp(req, trustProxy) };
}

export function createTrpcHandler(
  deps: ApiDeps,
  trustProxy: boolean,
): (req: IncomingMessage, res: ServerResponse) => void {
  // Made as each request arrives (whenAnsweredHook), read by its context later.
  const answered = new WeakMap<IncomingMessage, (fn: () => void) => void>();
  const handle = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    createContext: async ({ req }) => ({
      ...(await contextFor(deps, req, trustProxy)),
      whenAnswered: answered.get(req),
    }),
    // 1 MB is far above any legitimate request and bounds memory per request.
    maxBodySize: 1_000_000,
    maxBatchSize: TRPC_MAX_BATCH,
  });
  return (req, res) => {
    answered.set(req, whenAnsweredHook(res));
    const refused = refusal(req, deps.config.allowedOrigins);
    if (refused) return refuse(res, refused);
    handle(req, res);
  };
}

/**
 * Writes (POST) must be JSON — a form post or text/plain body is how a foreign page sends a
 * request without a CORS preflight — and, when a browser's cookie signs them, come from our
 * own origin. Bearer-token clients carry no ambient credential, so only the body type applies.
 */
function refusal(req: IncomingMessage, allowed: readonly string[] | undefined): AppError | null {
  if (req.method !== "POST") return null;
  if (!isJsonBody(req.headers)) return new AppError("UNSUPPORTED_MEDIA_TYPE");
  const cookieSigned = !bearerFrom(req.headers.authorization) && !!req.headers.cookie;
  if (cookieSigned && !isSameOrigin(req.headers, allowed)) return new AppError("CROSS_SITE");
  return null;
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { UNSUPPORTED_MEDIA_TYPE: 415, CROSS_SITE: 403 };

/** The same envelope tRPC gives its own errors (superjson's `json` wrapper), with our code. */
function refuse(res: ServerResponse, err: AppError): void {
  const status = HTTP_STATUS[err.code] ?? 400;
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(
    JSON.stringify({
      error: {
        json: {
          message: err.message,
          code: status === 415 ? -32015 : -32003,
          data: {
            code: status === 415 ? "UNSUPPORTED_MEDIA_TYPE" : "FORBIDDEN",
            httpStatus: status,
            appCode: err.code,
          },
        },
      },
    }),
  );
}
