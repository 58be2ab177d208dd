import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Server } from "socket.io";
import { AgentCa, attachAgentNamespace, type ApiDeps } from "@stratavore/api";
import { SOCKET_MAX_MESSAGE_BYTES } from "@stratavore/contracts";

export interface AgentTlsListener {
  url: string;
  close(): Promise<void>;
}

/**
 * Mutual TLS for agents (STRATAVORE_AGENT_TLS_PORT): an https listener that serves only the
 * `/agent` namespace and completes a TLS handshake only with a client certificate our agent CA
 * issued. The join still happens on the main port (a new node has no certificate yet): it sends
 * a CSR and receives its certificate; from then on the main port refuses its credential.
 */
export async function startAgentTlsListener(
  deps: ApiDeps,
  opts: { dataDir: string; host: string; port: number; publicUrl: string },
): Promise<AgentTlsListener> {
  const ca = await AgentCa.open(join(opts.dataDir, "agent-ca"));
  const publicHost = new URL(opts.publicUrl).hostname.replace(/^\[|\]$/g, "");
  const names = [publicHost, opts.host === "0.0.0.0" ? "127.0.0.1" : opts.host, "127.0.0.1", "localhost"];
  const { key, certificate } = ca.serverCertificate(names);
  const https = createServer({
    key,
    cert: certificate,
    ca: [ca.certificate],
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: "TLSv1.2",
  });
  await new Promise<void>((resolve, reject) => {
    https.once("error", reject);
    https.listen(opts.port, opts.host, () => resolve());
  });
  const port = (https.address() as AddressInfo).port;
  const url = `https://${publicHost.includes(":") ? `[${publicHost}]` : publicHost}:${port}`;
  deps.agentTls = { ca, url };
  const io = new Server(https, { path: "/socket.io", serveClient: false, maxHttpBufferSize: SOCKET_MAX_MESSAGE_BYTES });
  attachAgentNamespace(io, deps, { tls: true });
  return {
    url,
    close: async () => {
      await io.close().catch(() => undefined);
      https.closeAllConnections();
    },
  };
}
