import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createMetricsHandler, METRICS_PATH, type ApiMetrics } from "@stratavore/api";
import type { Log } from "./logger.ts";

/**
 * The internal metrics listener (STRATAVORE_METRICS_PORT): only /metrics, meant for a port the
 * public never reaches (a pod network, localhost), so no token is asked unless one is set.
 */
export async function startMetricsListener(
  metrics: ApiMetrics,
  opts: { host: string; port: number; token: string | null },
  log: Log,
): Promise<{ url: string; close: () => Promise<void> }> {
  const serve = createMetricsHandler(metrics, { token: opts.token, enabled: true }, log);
  const server = createServer((req, res) => {
    if ((req.url ?? "/").split("?")[0] === METRICS_PATH) return void serve(req, res);
    res.writeHead(404, { "content-type": "text/plain" }).end("Only /metrics is served on this port.");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host}:${port}${METRICS_PATH}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
