import type { IncomingMessage, ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { bearerFrom, resolvePrincipal } from "../auth/resolve-principal.ts";
import { appRouter } from "../app/app-router.ts";
import type { ApiDeps, Context } from "../trpc/context.ts";
import { clientIp } from "./client-ip.ts";

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
  return createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    createContext: ({ req }) => contextFor(deps, req, trustProxy),
    // 1 MB is far above any legitimate request and bounds memory per request.
    maxBodySize: 1_000_000,
  });
}
