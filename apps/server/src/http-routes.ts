import type { IncomingMessage, ServerResponse } from "node:http";
import {
  AUTH_PATH,
  BACKUP_PATH,
  METRICS_PATH,
  OPENAPI_PATH,
  REST_PREFIX,
  TASK_HOOK_PREFIX,
  TRANSCRIPT_UPLOAD_PATH,
  TRPC_PATH,
  type HttpRoute,
} from "@stratavore/api";

export interface Routes {
  trpc: (req: IncomingMessage, res: ServerResponse) => void;
  auth: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** `stratavore import` sends transcript files here (streamed, not a tRPC call). */
  upload: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** `stratavore admin backup` and the Settings page download the backup here. */
  backup: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Whether the database answers, within a second (a stalled one is "no", not a hang). */
  ready: () => Promise<boolean>;
  /** Liveness, with the embedded database's state (up, restarting, down) or "external". */
  health: () => { ok: boolean; database: string };
  /** REST over the public procedures (/api/v1/…) and its OpenAPI document. */
  rest: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  openapi: (req: IncomingMessage, res: ServerResponse) => void;
  /** A project's task webhook (POST /hooks/tasks/<secret>). */
  taskHook: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Prometheus text exposition (404 when metrics are off on this port). */
  metrics: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  web: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Times each request under its route class. */
  observe: (route: HttpRoute, req: IncomingMessage, res: ServerResponse) => void;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** One port: probes, tRPC, next-auth, then the dashboard for everything else. */
/**
 * On every answer: no other site may frame the dashboard (a page on another port or a sibling
 * subdomain rendered a signed-in admin's Users page in an iframe, the attacker review), nor
 * have a browser guess a type, nor learn our URLs from the Referer. Scripts are not restricted
 * here: Next.js inlines its own.
 */
const SECURITY_HEADERS: [string, string][] = [
  ["content-security-policy", "frame-ancestors 'none'"],
  ["x-frame-options", "DENY"],
  ["x-content-type-options", "nosniff"],
  ["referrer-policy", "same-origin"],
];

export function dispatch(routes: Routes, onError: (err: unknown) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const route = routeOf(path);
    routes.observe(route, req, res);
    const run = async () => {
      if (path === "/healthz") {
        const health = routes.health();
        return json(res, health.ok ? 200 : 503, health);
      }
      if (path === "/readyz") {
        const ok = await routes.ready();
        return json(res, ok ? 200 : 503, { ok, database: ok });
      }
      if (path === TRPC_PATH || path.startsWith(`${TRPC_PATH}/`)) return routes.trpc(req, res);
      if (path.startsWith(`${AUTH_PATH}/`)) return routes.auth(req, res);
      if (path === TRANSCRIPT_UPLOAD_PATH) return routes.upload(req, res);
      if (path === BACKUP_PATH) return routes.backup(req, res);
      if (path === METRICS_PATH) return routes.metrics(req, res);
      if (path === OPENAPI_PATH) return routes.openapi(req, res);
      if (path.startsWith(`${REST_PREFIX}/`)) return routes.rest(req, res);
      if (path.startsWith(TASK_HOOK_PREFIX)) return routes.taskHook(req, res);
      return routes.web(req, res);
    };
    run().catch((err: unknown) => {
      onError(err);
      if (!res.headersSent)
        json(res, 500, { error: { code: "INTERNAL", message: "Something went wrong on the server." } });
      else res.end();
    });
  };
}

function routeOf(path: string): HttpRoute {
  if (path === "/healthz") return "healthz";
  if (path === "/readyz") return "readyz";
  if (path === TRPC_PATH || path.startsWith(`${TRPC_PATH}/`)) return "trpc";
  if (path.startsWith(`${AUTH_PATH}/`)) return "auth";
  if (path === TRANSCRIPT_UPLOAD_PATH) return "upload";
  if (path === BACKUP_PATH) return "backup";
  if (path === METRICS_PATH) return "metrics";
  if (path === OPENAPI_PATH) return "openapi";
  if (path.startsWith(TASK_HOOK_PREFIX)) return "hook";
  if (path.startsWith(`${REST_PREFIX}/`)) return "rest";
  return "web";
}
