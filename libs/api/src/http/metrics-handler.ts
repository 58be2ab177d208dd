import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "@stratavore/contracts";
import { bearerFrom } from "../auth/resolve-principal.ts";
import type { ApiMetrics } from "../metrics/api-metrics.ts";
import { replyError } from "./plain-reply.ts";

export const METRICS_PATH = "/metrics";

export interface MetricsAccess {
  /** Bearer token Prometheus must send; null: no token asked (only on an internal listener). */
  token: string | null;
  /** False on the public port when no token is configured: metrics are off there. */
  enabled: boolean;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Prometheus text exposition, behind a scrape token compared in constant time. */
export function createMetricsHandler(
  metrics: ApiMetrics,
  access: MetricsAccess,
  log: (level: "error", msg: string, meta?: Record<string, unknown>) => void,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const expected = access.token ? digest(access.token) : null;
  return async (req, res) => {
    try {
      if (!access.enabled)
        throw new AppError(
          "NOT_FOUND",
          "Metrics are off on this port: set STRATAVORE_METRICS_TOKEN, or STRATAVORE_METRICS_PORT for an internal listener.",
        );
      if (expected) {
        const given = bearerFrom(req.headers.authorization);
        if (!given || !timingSafeEqual(digest(given), expected))
          throw new AppError("UNAUTHENTICATED", "Send the metrics token as 'Authorization: Bearer <token>'.");
      }
      const body = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" });
      res.end(body);
    } catch (err) {
      if (err instanceof AppError) metrics.errors.inc({ code: err.code });
      replyError(res, err, (msg, error) => log("error", msg, { error }));
    }
  };
}
