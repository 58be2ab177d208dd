import { io, type Socket } from "socket.io-client";
import { AGENT_NAMESPACE, type AgentToServerEvents, type ServerToAgentEvents } from "@stratavore/contracts";
import type { AgentOptions } from "./agent-options.ts";
import { loadCredential, saveCredential } from "./credential-store.ts";

export type ServerSocket = Socket<ServerToAgentEvents, AgentToServerEvents>;

/** Errors after which retrying cannot help: the operator must act (new join token, un-revoke). */
const FATAL = new Set(["JOIN_TOKEN_INVALID", "UNAUTHENTICATED", "VALIDATION"]);

/**
 * The outbound connection to the server: join token the first time, the stored credential
 * afterwards, reconnecting with backoff. `onFatal` fires when the server refuses the node.
 */
export async function connectToServer(
  opts: AgentOptions,
  handlers: { onWelcome: (socket: ServerSocket) => void; onFatal: (code: string, message: string) => void },
): Promise<ServerSocket> {
  let stored = await loadCredential(opts.dataDir);
  if (stored && stored.serverUrl !== opts.serverUrl) stored = null;
  if (!stored && !opts.joinToken)
    throw new Error(
      `No node credential in ${opts.dataDir}; pass --join-token (create one in Nodes or with 'stratavore join-token create').`,
    );

  const socket: ServerSocket = io(`${opts.serverUrl.replace(/\/+$/, "")}${AGENT_NAMESPACE}`, {
    path: "/socket.io",
    transports: ["websocket"],
    reconnectionDelay: 1000,
    reconnectionDelayMax: 30_000,
    randomizationFactor: 0.5,
    // Read at every (re)connect: after the first welcome the credential replaces the join token.
    auth: (cb) =>
      cb(
        stored
          ? { credential: stored.credential, hello: { ...opts.hello, claudeVersion: opts.claudeVersion } }
          : { joinToken: opts.joinToken, hello: { ...opts.hello, claudeVersion: opts.claudeVersion } },
      ),
  });

  socket.on("agent:welcome", async ({ nodeId, nodeName, credential }) => {
    if (credential) {
      stored = { serverUrl: opts.serverUrl, nodeId, nodeName, credential };
      await saveCredential(opts.dataDir, stored);
      opts.log("info", "joined the server; node credential stored", { nodeName });
    }
    opts.log("info", "connected", { nodeName });
    handlers.onWelcome(socket);
  });
  socket.on("connect_error", (err: Error & { data?: { code?: string; message?: string } }) => {
    const code = err.data?.code ?? err.message;
    if (FATAL.has(code)) return handlers.onFatal(code, err.data?.message ?? code);
    opts.log("warn", "cannot reach the server; retrying", { error: err.message });
    // A refusal by server middleware is not retried by socket.io itself.
    if (!socket.active) setTimeout(() => socket.connect(), 5000).unref();
  });
  socket.on("disconnect", (reason) => opts.log("warn", "disconnected", { reason }));
  return socket;
}
