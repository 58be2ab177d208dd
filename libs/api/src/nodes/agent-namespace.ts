import { recordActivity } from "../runners/runner-activity.ts";
import type { TLSSocket } from "node:tls";
import type { Namespace, Server } from "socket.io";
import { runnerNodeAndStatus } from "@stratavore/db";
import {
  AGENT_PROTOCOL,
  AGENT_NAMESPACE,
  ROOMS,
  SOCKET_MAX_MESSAGE_BYTES,
  agentAuthSchema,
  agentEventSchemas,
  runnerExitedSchema,
  runnerSessionSchema,
  allowanceSpentSchema,
  transcriptBatchSchema,
  usageBatchSchema,
  type AgentToServerEvents,
  type ServerToAgentEvents,
} from "@stratavore/contracts";
import {
  authenticateAgent,
  markConnected,
  markDisconnected,
  reconcileInventory,
  type AgentIdentity,
  type PeerCertificate,
} from "./agent-session.ts";
import { takeTranscriptBatch } from "./transcript-batch.ts";
import { ingestHeartbeat } from "./heartbeat-service.ts";
import { ingestRunnerUsage } from "../usage/ledger-service.ts";
import { recordRunnerEnd, runnerNode } from "../runners/runner-lifecycle.ts";
import { recordSession } from "../runners/session-moves.ts";
import { recordAllowancePause } from "../budgets/allowance-pause.ts";
import { adoptAndJudge } from "./adopt.ts";
import type { ApiDeps } from "../deps.ts";
import { checkedEvent } from "../realtime/bus.ts";
import { agentRoom } from "../cluster/socket-cluster.ts";
import { allowLargerMessages } from "./frame-limit.ts";
import { inputHygieneFinding } from "../trpc/input-hygiene.ts";
import { expectedAppError } from "../trpc/translate-error.ts";

type Handled = keyof typeof agentEventSchemas;
type Handler<E extends Handled> = (payload: Parameters<AgentToServerEvents[E]>[0]) => Promise<unknown> | void;

type AckFailure = { ok: false; code: string; message: string };

/** Why a runner ended when its agent stopped it on the way out: the session is whole, and resumes. */
export const AGENT_STOPPED = "stopped: its agent shut down (resume the session to go on)";

/**
 * The one translation of a failure into an agent ack: an AppError keeps its code (from
 * ERROR_CODES) and message; an exhausted pool is SERVER_BUSY (the agent sends it again, as it
 * does anything not refused for good); anything else is INTERNAL, logged here, and never shows
 * internals.
 */
export function toAck(deps: Pick<ApiDeps, "log">, err: unknown, about: { nodeId: string; what: string }): AckFailure {
  const known = expectedAppError(err);
  if (known?.code === "SERVER_BUSY")
    deps.log("warn", `${about.what} deferred: no database connection free`, { nodeId: about.nodeId });
  if (known) return { ok: false, code: known.code, message: known.message };
  deps.log("error", `${about.what} failed`, { nodeId: about.nodeId, error: String(err) });
  return { ok: false, code: "INTERNAL", message: "Server error" };
}

type AgentNamespace = Namespace<
  AgentToServerEvents,
  ServerToAgentEvents,
  Record<string, never>,
  { identity: AgentIdentity }
>;

/**
 * The `/agent` namespace: agents dial in (outbound only), authenticate with a join token or
 * their node credential, and from then on report runners; the server sends commands back.
 * Every message is validated against its contract; one that fails is logged and dropped.
 */
export function attachAgentNamespace(io: Server, deps: ApiDeps, opts: { tls?: boolean } = {}): void {
  // Socket.IO types every namespace like its server (the browser protocol); this one speaks
  // the agent protocol. The one cast of the boundary; every message is validated anyway.
  const nsp = io.of(AGENT_NAMESPACE) as unknown as AgentNamespace;

  nsp.use(async (socket, next) => {
    const parsed = checkedParse("agent:hello", agentAuthSchema, socket.handshake.auth);
    if (!parsed.success) return next(Object.assign(new Error("VALIDATION"), { data: { code: "VALIDATION" } }));
    try {
      socket.data.identity = await authenticateAgent(
        deps,
        parsed.data,
        opts.tls ? peerCertificate(socket.request.socket) : undefined,
      );
      next();
    } catch (err) {
      const known = expectedAppError(err);
      if (!known) deps.log("error", "agent handshake failed", { error: String(err) });
      const code = known?.code ?? "INTERNAL";
      next(Object.assign(new Error(code), { data: { code, message: known?.message ?? "Server error" } }));
    }
  });

  nsp.on("connection", (socket) => {
    const { nodeId, nodeName, credential, tls, joinOnly } = socket.data.identity;
    if (joinOnly) {
      // The join connection hands over the credential (and certificate) and closes; the agent
      // dials again with them — over TLS when the server requires it.
      socket.emit("agent:welcome", { nodeId, nodeName, credential, tls, protocol: AGENT_PROTOCOL });
      setTimeout(() => socket.disconnect(true), 100).unref();
      return;
    }
    // Archive batches carry lines of megabytes; only a node's checked connection may send them.
    if (!allowLargerMessages(socket.conn, SOCKET_MAX_MESSAGE_BYTES))
      deps.log(
        "error",
        "cannot raise this agent connection's message limit: transcript lines over 1 MB will be refused",
        {
          nodeId,
          transport: socket.conn.transport.name,
        },
      );
    deps.fleet.agents.attach(nodeId, socket);
    // Commands from other instances of a cluster reach the agent through this room.
    void socket.join(agentRoom(nodeId));
    const ownsRunner = async (runnerId: string) => (await runnerNode(deps, runnerId)) === nodeId;

    /** A message with an answer: invalid → VALIDATION; a failure → toAck (one translation). */
    function answer<T, A>(
      event: keyof AgentToServerEvents,
      ack: unknown,
      parsed: { success: true; data: T } | { success: false; error: { issues: { message: string }[] } },
      what: string,
      work: (payload: T) => Promise<A>,
    ): void {
      deps.metrics.realtimeMessages.inc({ direction: "in", event });
      const reply = typeof ack === "function" ? (ack as (a: A | AckFailure) => void) : () => {};
      if (!parsed.success)
        return reply({ ok: false, code: "VALIDATION", message: parsed.error.issues[0]?.message ?? `bad ${what}` });
      deps.fleet.track(work(parsed.data)).then(reply, (err: unknown) => reply(toAck(deps, err, { nodeId, what })));
    }

    function on<E extends Handled>(event: E, handler: Handler<E>) {
      // A generic event name cannot be followed to its payload type: received as unknown, parsed below.
      (socket.on as (e: E, f: (p: unknown) => void) => void).call(socket, event, (payload: unknown) => {
        deps.metrics.realtimeMessages.inc({ direction: "in", event });
        const schema: { safeParse(v: unknown): Parsed<unknown> } = agentEventSchemas[event];
        const parsed = checkedParse(event, schema, payload);
        if (!parsed.success) return deps.log("warn", "invalid agent message dropped", { nodeId, event });
        deps.fleet
          .track(Promise.resolve(handler(parsed.data as Parameters<AgentToServerEvents[E]>[0])))
          .catch((err: unknown) => deps.log("error", "agent message failed", { nodeId, event, error: String(err) }));
      });
    }

    on("agent:inventory", async ({ runners }) => {
      const strays = await reconcileInventory(deps, nodeId, runners);
      for (const r of runners) if (!strays.includes(r.runnerId)) deps.fleet.setOwner(r.runnerId, nodeId);
      // The server no longer considers these active (ended while the agent was away): end them.
      for (const runnerId of strays) socket.emit("agent:signal", { runnerId, action: "kill" }, () => undefined);
    });
    on("agent:heartbeat", async ({ runners, deadLetters, spooled, host }) => {
      const { needsAttention } = await ingestHeartbeat(deps, nodeId, runners, new Date(), {
        deadLetters,
        spooled,
        host,
      });
      if (needsAttention.length === 0) return;
      // A beat is proof of life: lost runners come back; ones the database no longer counts die.
      const attention = new Set(needsAttention);
      const strays = await adoptAndJudge(
        deps,
        nodeId,
        runners.filter((r) => attention.has(r.runnerId)),
      );
      for (const runnerId of strays) socket.emit("agent:signal", { runnerId, action: "kill" }, () => undefined);
    });
    // State changes are checked against the database, not the per-process owner cache: after a
    // restart moved a runner, a late report from its old node must not end the new one.
    const runsHereNow = async (runnerId: string) => (await runnerNodeAndStatus(deps.db, runnerId))?.nodeId === nodeId;
    // Answered once the runner follows the session (or the report is moot or refused): the
    // agent ships that session's usage and lines only then, so none of them is refused meanwhile.
    socket.on("runner:session", (raw, ack) =>
      answer(
        "runner:session",
        ack,
        checkedParse("runner:session", runnerSessionSchema, raw),
        "session report",
        (report) => recordSession(deps, nodeId, report),
      ),
    );
    // The agent froze a runner whose budget allowance its transcript showed spent: record the
    // pause as that budget's (its release thaws it), then let the budget judge the whole scope.
    // Until the pause is recorded (or moot) the answer is RETRY, and the agent says it again.
    socket.on("runner:allowance_spent", (raw, ack) =>
      answer(
        "runner:allowance_spent",
        ack,
        checkedParse("runner:allowance_spent", allowanceSpentSchema, raw),
        "allowance report",
        async (r) =>
          (await recordAllowancePause(deps, nodeId, r))
            ? { ok: true as const }
            : { ok: false as const, code: "RETRY" as const, message: "not recorded yet" },
      ),
    );
    on("runner:activity", (p) => recordActivity(deps, nodeId, p));
    // Answered once recorded (or moot, the runner having moved): a stopping agent waits for it,
    // else its exit is lost with the connection and the runner later ends as lost, a failure.
    socket.on("runner:exited", (raw, ack) =>
      answer("runner:exited", ack, checkedParse("runner:exited", runnerExitedSchema, raw), "runner exit", async (p) => {
        if (await runsHereNow(p.runnerId))
          await recordRunnerEnd(deps, { nodeId }, { ...p, ...(p.agentStopping ? { reason: AGENT_STOPPED } : {}) });
        return { ok: true as const };
      }),
    );
    // In arrival order per runner: the owner check may go to the database, and two lookups
    // racing on the pool let a later chunk land first, after which the store drops the earlier
    // one as a replay (a runner's banner went missing on the instance that held its agent).
    on("runner:output", (p) =>
      deps.fleet.serially(`output:${p.runnerId}`, async () => {
        if (!(await ownsRunner(p.runnerId))) return;
        if (deps.fleet.scrollback.append(p.runnerId, p.seq, p.data))
          deps.bus.publish([checkedEvent(ROOMS.runner(p.runnerId), "runner:output", p)]);
      }),
    );
    // Batches are answered: the agent keeps (spools) what was not accepted and sends it again.
    socket.on("usage:batch", (raw, ack) =>
      answer("usage:batch", ack, checkedParse("usage:batch", usageBatchSchema, raw), "usage batch", (b) =>
        ingestRunnerUsage(deps, nodeId, b.runnerId, b.records).then((accepted) => ({ ok: true as const, accepted })),
      ),
    );
    socket.on("transcript:batch", (raw, ack) =>
      answer(
        "transcript:batch",
        ack,
        checkedParse("transcript:batch", transcriptBatchSchema, raw),
        "transcript batch",
        (b) =>
          takeTranscriptBatch(deps, nodeId, b).then((accepted) => ({
            ok: true as const,
            accepted,
          })),
      ),
    );
    socket.on("disconnect", () => {
      deps.fleet.agents.detach(nodeId, socket);
      // A server going down is not the node going away; the heartbeat TTL settles it later.
      if (deps.fleet.closing) return;
      deps.fleet
        .track(markDisconnected(deps, nodeId))
        .catch((err: unknown) => deps.log("error", "marking node offline failed", { nodeId, error: String(err) }));
    });

    markConnected(deps, nodeId)
      .then(() => socket.emit("agent:welcome", { nodeId, nodeName, credential, tls, protocol: AGENT_PROTOCOL }))
      .catch((err: unknown) => {
        deps.log("error", "agent registration failed", { nodeId, error: String(err) });
        socket.disconnect(true);
      });
  });
}

export type { ServerToAgentEvents };

/**
 * The certificate the TLS layer already verified against our CA (requestCert +
 * rejectUnauthorized); an empty one (no certificate) names nobody and matches no node.
 */
function peerCertificate(socket: unknown): PeerCertificate {
  const cert = (socket as Partial<TLSSocket>).getPeerCertificate?.();
  const cn = cert?.subject?.CN;
  return { commonName: Array.isArray(cn) ? "" : (cn ?? ""), serial: (cert?.serialNumber ?? "").toUpperCase() };
}

type Parsed<T> = { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };

/**
 * An agent message against its contract, after the check every procedure's input gets
 * (input-hygiene.ts: no NUL in any string or key, bounded depth) — these strings are stored,
 * and PostgreSQL refuses a NUL with an error that is no one's fault but the sender's. Transcript
 * lines are the exception: one may hold a NUL as claude wrote it (its bytes are kept apart).
 */
function checkedParse<T>(event: string, schema: { safeParse(v: unknown): Parsed<T> }, raw: unknown): Parsed<T> {
  const found = event === "transcript:batch" ? null : inputHygieneFinding(raw);
  return found ? { success: false, error: { issues: [{ message: found.message }] } } : schema.safeParse(raw);
}
