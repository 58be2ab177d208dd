import { randomBytes } from "node:crypto";
import { AppError, type AgentAuth, type AgentTls, type Node } from "@stratavore/contracts";
import {
  activeRunnerIdsOnNode,
  attachJoinTokenNode,
  consumeJoinToken,
  findNodeByCredential,
  insertNode,
  lockNodeHolder,
  nodeNameTaken,
  nodeStatusOf,
  setNodeCertSerial,
  updateNodeRow,
} from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { hashSecret } from "./join-tokens-service.ts";
import { setNodeStatus } from "./nodes-service.ts";
import { recordRunnerEnd } from "../runners/runner-lifecycle.ts";
import { adoptAndJudge } from "./adopt.ts";
import type { Reported } from "../runners/runner-presence.ts";
import { inTransaction } from "../shared/transaction.ts";

export interface AgentIdentity {
  nodeId: string;
  nodeName: string;
  /** Only on the first connection: the credential the agent must store (shown once). */
  credential?: string;
  /** Only at a join under mutual TLS: the node's certificate, the CA and where to dial. */
  tls?: AgentTls;
  /** The join connection only welcomes and closes. */
  joinOnly?: boolean;
}

/** The client certificate a TLS connection presented (verified against our CA by the TLS layer). */
export interface PeerCertificate {
  commonName: string;
  serial: string;
}

/**
 * Handshake: a join token is exchanged (once) for a new node and its credential; a credential
 * identifies an existing, unrevoked node. Either way the node's self-description is refreshed.
 */
export async function authenticateAgent(
  deps: ApiDeps,
  auth: AgentAuth,
  /** Set on the mutual-TLS listener; undefined on the plain one. */
  peer?: PeerCertificate,
): Promise<AgentIdentity> {
  const { hello } = auth;
  if (auth.credential) {
    const node = await findNodeByCredential(deps.db, hashSecret(auth.credential));
    if (!node) throw new AppError("UNAUTHENTICATED", "Unknown or revoked node credential.");
    // Under mutual TLS a credential alone is not enough: it must come with this node's certificate.
    if (deps.agentTls && !peer)
      throw new AppError("UNAUTHENTICATED", `This server requires mutual TLS for agents: dial ${deps.agentTls.url}.`);
    if (peer && (peer.commonName !== node.id || peer.serial !== node.certSerial))
      throw new AppError("UNAUTHENTICATED", "This certificate is not the one issued to this node.");
    await updateNodeRow(deps.db, node.id, {
      hostname: hello.hostname,
      agentVersion: hello.agentVersion,
      claudeVersion: hello.claudeVersion,
      capacity: hello.capacity,
      labels: hello.labels,
      ...(hello.capabilities ? { capabilities: hello.capabilities } : {}),
    });
    return { nodeId: node.id, nodeName: node.name };
  }
  const joinToken = auth.joinToken;
  if (!joinToken) throw new AppError("UNAUTHENTICATED", "A join token or node credential is required.");
  const tls = deps.agentTls;
  if (tls && !auth.csr)
    throw new AppError("VALIDATION", "This server requires mutual TLS: the agent must send a certificate request.");
  const credential = `svn_${randomBytes(32).toString("base64url")}`;
  return inTransaction(deps.db, deps.bus, async (tx) => {
    const tokenId = await consumeJoinToken(tx, hashSecret(joinToken));
    if (!tokenId) throw new AppError("JOIN_TOKEN_INVALID");
    // Names are unique; a second machine with the same hostname gets a suffix.
    let name = hello.name;
    for (let i = 2; await nodeNameTaken(tx, name); i++) name = `${hello.name}-${i}`;
    const node = await insertNode(tx, {
      name,
      hostname: hello.hostname,
      agentVersion: hello.agentVersion,
      claudeVersion: hello.claudeVersion,
      capacity: hello.capacity,
      labels: hello.labels,
      credentialHash: hashSecret(credential),
      capabilities: hello.capabilities,
    });
    await attachJoinTokenNode(tx, tokenId, node.id);
    const issued = tls && auth.csr ? tls.ca.signNode(auth.csr, node.id) : null;
    if (issued) await setNodeCertSerial(tx, node.id, issued.serial);
    await audit(
      tx,
      deps.config.auditKey,
      { nodeId: node.id },
      { type: "node.joined", entityType: "node", entityId: node.id, data: { name, hostname: hello.hostname } },
    );
    return {
      nodeId: node.id,
      nodeName: name,
      credential,
      joinOnly: auth.joinOnly,
      tls:
        issued && tls
          ? { certificate: issued.certificate, caCertificate: tls.ca.certificate, url: tls.url }
          : undefined,
    };
  });
}

/**
 * The agent is connected to this instance: online again (a draining node stays draining), and
 * this instance is where commands for its runners go (`agentInstanceId`).
 */
export async function markConnected(deps: ApiDeps, nodeId: string): Promise<Node> {
  const status = (await nodeStatusOf(deps.db, nodeId)) === "draining" ? "draining" : "online";
  return inTransaction(deps.db, deps.bus, (tx, outbox) =>
    setNodeStatus(deps, tx, outbox, { nodeId }, nodeId, status, "node.connected", {
      lastSeenAt: new Date(),
      agentInstanceId: deps.fleet.instanceId,
    }),
  );
}

/**
 * The agent's socket on this instance closed. If it has already reconnected (here, or to
 * another instance, which then holds the node's row) it is not offline. The row lock orders
 * this against that instance's `markConnected`, so the later of the two always wins.
 */
export async function markDisconnected(deps: ApiDeps, nodeId: string): Promise<void> {
  if (deps.fleet.agents.isLocal(nodeId)) return;
  await inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    const row = await lockNodeHolder(tx, nodeId);
    if (!row || (row.holder !== null && row.holder !== deps.fleet.instanceId)) return;
    // It reconnected here while this waited for the lock: that connect's write stands.
    if (deps.fleet.agents.isLocal(nodeId)) return;
    const status = await nodeStatusOf(tx, nodeId);
    if (!status || status === "offline") {
      if (row.holder) await updateNodeRow(tx, nodeId, { agentInstanceId: null });
      return;
    }
    await setNodeStatus(
      deps,
      tx,
      outbox,
      { nodeId },
      nodeId,
      status === "draining" ? "draining" : "offline",
      "node.disconnected",
      { agentInstanceId: null },
    );
  });
}

/**
 * After a (re)connect the agent reports what it really runs. Rows the server thinks are active
 * there but the agent lacks ended with the agent (`agent_restarted`); lost runners it still has
 * are adopted back unchanged; runners the server does not consider active there are returned
 * so the caller can kill them.
 */
export async function reconcileInventory(deps: ApiDeps, nodeId: string, reported: Reported[]): Promise<string[]> {
  const active = await activeRunnerIdsOnNode(deps.db, nodeId);
  const reportedIds = new Set(reported.map((r) => r.runnerId));
  for (const r of active) {
    if (!reportedIds.has(r.id))
      await recordRunnerEnd(
        deps,
        { nodeId },
        { runnerId: r.id, exitCode: null, signal: null, endedBy: "agent", reason: "agent_restarted" },
      );
  }
  return adoptAndJudge(deps, nodeId, reported);
}
