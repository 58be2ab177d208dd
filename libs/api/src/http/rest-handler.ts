import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPCError } from "@trpc/server";
import { AppError } from "@stratavore/contracts";
import { bearerFrom } from "../auth/resolve-principal.ts";
import { whenAnsweredHook } from "./when-answered.ts";
import { createCaller } from "../app/app-router.ts";
import type { ApiDeps } from "../deps.ts";
import { openApiDocument } from "../rest/openapi-document.ts";
import { matchRoute } from "../rest/match-route.ts";
import { emptyInput, inputFromQuery } from "../rest/query-input.ts";
import { toAppError } from "../trpc/translate-error.ts";
import { contextFor } from "./trpc-handler.ts";
import { isJsonBody } from "../auth/same-origin.ts";
import { replyError, replyJson } from "./plain-reply.ts";
import { parseJsonObject, readBodyBytes } from "./read-body.ts";

export const OPENAPI_PATH = "/api/openapi.json";
/** Same bound as a tRPC call's body. */
const MAX_BODY_BYTES = 1_000_000;

/** GET /api/openapi.json: the document, public (it describes, it grants nothing). */
export function createOpenApiHandler(deps: ApiDeps) {
  let cached: string | null = null;
  return (_req: IncomingMessage, res: ServerResponse): void => {
    cached ??= JSON.stringify(openApiDocument(deps.config.version));
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache" });
    res.end(cached);
  };
}

/**
 * REST under /api/v1 (rest-routes.ts): each route calls its tRPC procedure through the same
 * middleware (input hygiene, scopes, roles, error translation), so the two APIs cannot differ.
 * API tokens only — no cookies, so no other site's page can make a browser call it.
 */
export function createRestHandler(deps: ApiDeps, trustProxy: boolean) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const whenAnswered = whenAnsweredHook(res);
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      const match = matchRoute(req.method ?? "GET", url.pathname);
      if (!match.route.public && !bearerFrom(req.headers.authorization))
        throw new AppError("UNAUTHENTICATED", "REST calls need an API token: 'Authorization: Bearer <token>'.");
      const write = match.route.method === "POST" || match.route.method === "PATCH";
      const body = write ? await readJsonBody(req) : {};
      const query = write ? {} : inputFromQuery(match.route.procedure, url.searchParams);
      const input = { ...query, ...body, ...match.params };
      const caller = createCaller({ ...(await contextFor(deps, req, trustProxy)), whenAnswered });
      const procedure = match.route.procedure.split(".").reduce<unknown>((at, key) => (at as never)[key], caller) as (
        input?: unknown,
      ) => Promise<unknown>;
      const output = await procedure(Object.keys(input).length ? input : emptyInput(match.route.procedure));
      replyJson(res, 200, output ?? null);
    } catch (err) {
      // A procedure's own failure was counted by the tRPC error middleware; count only ours.
      const app = err instanceof TRPCError ? toAppError(err) : err;
      if (!(err instanceof TRPCError) && app instanceof AppError) deps.metrics.errors.inc({ code: app.code });
      const allow = app instanceof AppError ? app.details?.allow : undefined;
      if (Array.isArray(allow) && !res.headersSent) res.setHeader("allow", allow.join(", "));
      replyError(res, app, (msg, error) => deps.log("error", `REST ${req.method} ${req.url}: ${msg}`, { error }));
    }
  };
}

export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBodyBytes(req, MAX_BODY_BYTES, "The body is over 1 MB.");
  if (body.length === 0) return {};
  if (!isJsonBody(req.headers)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.");
  return parseJsonObject(body.toString("utf8"));
}
