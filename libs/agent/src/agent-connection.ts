import { io, type Socket } from "socket.io-client";
import {
  AGENT_NAMESPACE,
  AGENT_PROTOCOL,
  type AgentToServerEvents,
  type ServerToAgentEvents,
} from "@stratavore/contracts";
import type { AgentOptions } from "./agent-options.ts";
import { loadCredential, saveCredential, type StoredCredential } from "./credential-store.ts";
import { createKeyAndCsr } from "./node-certificate.ts";

export type ServerSocket = Socket<ServerToAgentEvents, AgentToServerEvents>;

/** Errors after which retrying cannot help: the operator must act (new join token, un-revoke). */
const FATAL = new Set(["JOIN_TOKEN_INVALID", "UNAUTHENTICATED", "VALIDATION"]);

/** How long an agent a current server welcomed waits before asking again, when an older one answers. */
const TOO_OLD_RETRY_MS = 30_000;

type Refusal = Error & { data?: { code?: string; message?: string } };

/** Both of the agent's connections: websocket only, backing off to 30 s. */
const SOCKET_BASE = {
  path: "/socket.io",
  transports: ["websocket"],
  reconnectionDelay: 1000,
  reconnectionDelayMax: 30_000,
};

const namespaceUrl = (server: string) => `${server.replace(/\/+$/, "")}${AGENT_NAMESPACE}`;

/**
 * A refusal no retry can change goes to `onFatal`; anything else (the server unreachable, a
 * transient refusal) is logged and retried — socket.io does not retry a middleware refusal itself.
 */
function onRefusal(socket: ServerSocket, log: AgentOptions["log"], what: string, onFatal: (err: Refusal) => void) {
  socket.on("connect_error", (err: Refusal) => {
    if (FATAL.has(err.data?.code ?? err.message)) return onFatal(err);
    log("warn", what, { error: err.message });
    if (!socket.active) setTimeout(() => socket.connect(), 5000).unref();
  });
}

/**
 * The outbound connection to the server. The first time, a join connection trades the join
 * token (and a certificate request for a key made here) for the node credential (and, when the
 * server requires mutual TLS, a client certificate and the address to dial), then closes. Every
 * connection after that uses the stored credential — over TLS with the certificate when one was
 * issued — reconnecting with backoff. `onFatal` fires when the server refuses the node.
 */
export async function connectToServer(
  opts: AgentOptions,
  handlers: { onWelcome: (socket: ServerSocket) => void; onFatal: (code: string, message: string) => void },
): Promise<ServerSocket> {
  let stored = await loadCredential(opts.dataDir);
  const elsewhere = stored && stored.serverUrl !== opts.serverUrl ? stored.serverUrl : null;
  // The local agent's server is the same server (its data directory) at a new port: the
  // credential still holds. Dropping it left the agent unable to start (the phone review).
  // With mutual TLS it dials the certificate's own address, which PORT does not change.
  if (stored && elsewhere && opts.local) {
    stored = { ...stored, serverUrl: opts.serverUrl };
    await saveCredential(opts.dataDir, stored);
  } else if (elsewhere) stored = null;
  if (!stored && !opts.joinToken)
    throw new Error(
      elsewhere
        ? `The node credential in ${opts.dataDir} is for ${elsewhere}, not ${opts.serverUrl}: pass --join-token to join this server (create one in Nodes or with 'stratavore join-token create'), or --server ${elsewhere}.`
        : `No node credential in ${opts.dataDir}; pass --join-token (create one in Nodes or with 'stratavore join-token create').`,
    );
  stored ??= await join(opts, opts.joinToken ?? "").catch((err: Refusal) => {
    const code = err.data?.code ?? err.message;
    handlers.onFatal(code, err.data?.message ?? code);
    throw err;
  });
  const credential = stored;
  const tls = credential.tls;
  const socket: ServerSocket = io(namespaceUrl(tls?.url ?? opts.serverUrl), {
    ...SOCKET_BASE,
    randomizationFactor: 0.5,
    ...(tls ? { ca: tls.caCertificate, cert: tls.certificate, key: tls.key, rejectUnauthorized: true } : {}),
    auth: (cb) =>
      cb({ credential: credential.credential, hello: { ...opts.hello, claudeVersion: opts.claudeVersion } }),
  });

  let welcomedByCurrent = false;
  socket.on("agent:welcome", ({ nodeName, protocol = 1 }) => {
    if (protocol < AGENT_PROTOCOL) {
      socket.disconnect();
      const why = `The server is older than this agent (it speaks agent protocol ${protocol}, this agent needs ${AGENT_PROTOCOL}): upgrade the server first, then its agents.`;
      if (!welcomedByCurrent) return handlers.onFatal("SERVER_TOO_OLD", why);
      // A current server welcomed us before (a rollback, or an instance not yet upgraded behind a
      // balancer): exiting would kill every runner here. Stay away and ask again.
      opts.log("error", why, { retryInSeconds: TOO_OLD_RETRY_MS / 1000 });
      setTimeout(() => socket.connect(), TOO_OLD_RETRY_MS).unref();
      return;
    }
    welcomedByCurrent = true;
    opts.log("info", "connected", { nodeName, tls: Boolean(tls) });
    handlers.onWelcome(socket);
  });
  onRefusal(socket, opts.log, "cannot reach the server; retrying", (err) => {
    const code = err.data?.code ?? err.message;
    handlers.onFatal(code, err.data?.message ?? code);
  });
  socket.on("disconnect", (reason) => {
    opts.log("warn", "disconnected", { reason });
    // socket.io does not retry a disconnect the server chose (a revoke, a replaced connection):
    // dial again, so a revoked node hears UNAUTHENTICATED and stops instead of idling unseen.
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), 1000).unref();
  });
  return socket;
}

/** The join: one short connection, retried until the server answers (a join token works once). */
async function join(opts: AgentOptions, joinToken: string): Promise<StoredCredential> {
  const { key, csr } = createKeyAndCsr(opts.hello.name);
  const socket: ServerSocket = io(namespaceUrl(opts.serverUrl), {
    ...SOCKET_BASE,
    auth: { joinToken, csr, joinOnly: true, hello: { ...opts.hello, claudeVersion: opts.claudeVersion } },
  });
  try {
    const welcome = await new Promise<Parameters<ServerToAgentEvents["agent:welcome"]>[0]>((resolve, reject) => {
      socket.on("agent:welcome", resolve);
      onRefusal(socket, opts.log, "cannot reach the server to join; retrying", reject);
    });
    if (!welcome.credential) throw new Error("The server's welcome to a join carried no credential.");
    const stored: StoredCredential = {
      serverUrl: opts.serverUrl,
      nodeId: welcome.nodeId,
      nodeName: welcome.nodeName,
      credential: welcome.credential,
      ...(welcome.tls ? { tls: { ...welcome.tls, key } } : {}),
    };
    await saveCredential(opts.dataDir, stored);
    opts.log("info", "joined the server; node credential stored", {
      nodeName: welcome.nodeName,
      mutualTls: Boolean(welcome.tls),
    });
    return stored;
  } finally {
    socket.disconnect();
  }
}
