import type { Server } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import next from "next";

export interface NextApp {
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close: () => Promise<void>;
}

/** The Next.js dashboard as a request handler inside our own HTTP server. */
export async function prepareNext(opts: {
  dir: string;
  dev: boolean;
  hostname: string;
  port: number;
  httpServer: Server;
}): Promise<NextApp> {
  const app = next({
    dev: opts.dev,
    dir: opts.dir,
    hostname: opts.hostname,
    port: opts.port,
    httpServer: opts.httpServer,
  });
  await app.prepare();
  const handler = app.getRequestHandler();
  return { handle: (req, res) => handler(req, res), close: () => app.close() };
}
