import type { Server } from "socket.io";
import { AGENT_NAMESPACE, AppError, ROOMS, agentAuthSchema, agentEventSchemas, allowanceSpentSchema, transcriptBatchSchema, usageBatchSchema, type AgentToServerEvents, type ServerToAgentEvents } from "@stratavore/contracts";
import type { AgentSocket } from "../fleet/agent-registry.ts";
import { authenticateAgent, markConnected, markDisconnected, reconcileInventory, type AgentIdentity } from "./agent-session.ts";
import { archiveEntries } from "../sessions/archive-service.ts";
import { ingestHeartbeat } from "./heartbeat-service.ts";
import { ingestRunnerUsage } from "../usage/ledger-service.ts";
import { recordRunnerEnd, recordSession, runnerNode } from "../runners/runner-lifecycle.ts";
import { recordAllowancePause } from "../budgets/allowance-pause.ts";
import { adoptAndJudge } from "./adopt.ts";
import type { ApiDeps } from "../deps.ts";
import { checkedEvent } from "../realtime/bus.ts";

type Handled = keyof typeof agentEventSchemas;
type Handler<E extends Handled> = (payload: Parameters<AgentToServerEvents[E]>[0]) => Promise<unknown> | void;

/**
 * The `/agent` namespace: agents dial in (outbound only), authenticate with a join token or
 * their node credential, and from then on report runners; the server sends commands back.
 * Every message is validated against its contract; one that fails is logged and dropped.
 */
export function attachAgentNamespace(io: Server, deps: ApiDeps): void {
  const nsp = io.of(AGENT_NAMESPACE);

  nsp.use(async (socket, next) => {
    const parsed = agentAuthSchema.safeParse(socket.handshake.auth);
    if (!parsed.success) return next(Object.assign(new Error("VALIDATION"), { data: { code: "VALIDATION" } }));
    try {
      socket.data.identity = await authenticateAgent(deps, parsed.data);
      next();
    } catch (err) {
      const code = err instanceof AppError ? err.code : "INTERNAL";
      if (code === "INTERNAL") deps.log("error", "agent handshake failed", { error: String(err) });
      next(Object.assign(new Error(code), { data: { code, message: err instanceof AppError ? err.message : "Server error" } }));
    }
  });

  nsp.on("connection", (raw) => {
    const socket = raw as unknown as AgentSocket & { data: { identity: AgentIdentity } };
    const { nodeId, nodeName, credential } = socket.data.identity;
    deps.fleet.agents.attach(nodeId, socket);
    const ownsRunner = async (runnerId: string) => (await runnerNode(deps, runnerId)) === nodeId;

    function on<E extends Handled>(event: E, handler: Handler<E>) {
      (socket as unknown as { on: (e: string, f: (p: unknown) => void) => void }).on(event, (payload: unknown) => {
        const parsed = agentEventSchemas[event].safeParse(payload);
        if (!parsed.success) return deps.log("warn", "invalid agent message dropped", { nodeId, event });
        deps.fleet.track(Promise.resolve(handler(parsed.data as Parameters<AgentToServerEvents[E]>[0]))).catch((err: unknown) => deps.log("error", "agent message failed", { nodeId, event, error: String(err) }));
      });
    }

    on("agent:inventory", async ({ runners }) => {
      const strays = await reconcileInventory(deps, nodeId, runners);
      for (const r of runners) if (!strays.includes(r.runnerId)) deps.fleet.setOwner(r.runnerId, nodeId);
      // The server no longer considers these active (ended while the agent was away): end them.
      for (const runnerId of strays) socket.emit("agent:signal", { runnerId, action: "kill" }, () => undefined);
    });
    on("agent:heartbeat", async ({ runners }) => {
      const { needsAttention } = await ingestHeartbeat(deps, nodeId, runners);
      if (needsAttention.length === 0) return;
      // A beat is proof of life: lost runners come back; ones the database no longer counts die.
      const attention = new Set(needsAttention);
      const strays = await adoptAndJudge(deps, nodeId, runners.filter((r) => attention.has(r.runnerId)));
      for (const runnerId of strays) socket.emit("agent:signal", { runnerId, action: "kill" }, () => undefined);
    });
    // State changes are checked against the database, not the per-process owner cache: after a
    // restart moved a runner, a late report from its old node must not end the new one.
    const runsHereNow = async (runnerId: string) => (await deps.db.runner.findUnique({ where: { id: runnerId }, select: { nodeId: true } }))?.nodeId === nodeId;
    on("runner:session", async ({ runnerId, sessionId }) => {
      if (await runsHereNow(runnerId)) await recordSession(deps, nodeId, runnerId, sessionId);
    });
    // The agent froze a runner whose budget allowance its transcript showed spent: record the
    // pause as that budget's (its release thaws it), then let the budget judge the whole scope.
    // Until the pause is recorded (or moot) the answer is RETRY, and the agent says it again.
    socket.on("runner:allowance_spent", (raw, ack) => {
      const reply = typeof ack === "function" ? ack : () => {};
      const parsed = allowanceSpentSchema.safeParse(raw);
      if (!parsed.success) return reply({ ok: false, code: "VALIDATION", message: parsed.error.issues[0]?.message ?? "bad report" });
      deps.fleet
        .track(recordAllowancePause(deps, nodeId, parsed.data))
        .then((recorded) => reply(recorded ? { ok: true } : { ok: false, code: "RETRY", message: "not recorded yet" }))
        .catch((err: unknown) => {
          deps.log("warn", "recording an allowance pause failed; the agent will say it again", { nodeId, error: String(err) });
          reply({ ok: false, code: "RETRY", message: "not recorded yet" });
        });
    });
    on("runner:exited", async (p) => {
      if (await runsHereNow(p.runnerId)) await recordRunnerEnd(deps, { nodeId }, p);
    });
    on("runner:output", async (p) => {
      if (!(await ownsRunner(p.runnerId))) return;
      if (deps.fleet.scrollback.append(p.runnerId, p.seq, p.data)) deps.bus.publish([checkedEvent(ROOMS.runner(p.runnerId), "runner:output", p)]);
    });
    socket.on("usage:batch", (raw, ack) => {
      const reply = typeof ack === "function" ? ack : () => {};
      const parsed = usageBatchSchema.safeParse(raw);
      if (!parsed.success) return reply({ ok: false, code: "VALIDATION", message: parsed.error.issues[0]?.message ?? "bad batch" });
      deps.fleet
        .track(ingestRunnerUsage(deps, nodeId, parsed.data.runnerId, parsed.data.records))
        .then((accepted) => reply({ ok: true, accepted }))
        .catch((err: unknown) => {
          const code = err instanceof AppError ? err.code : "INTERNAL";
          if (code === "INTERNAL") deps.log("error", "usage batch failed", { nodeId, error: String(err) });
          reply({ ok: false, code, message: err instanceof AppError ? err.message : "Server error" });
        });
    });
    socket.on("transcript:batch", (raw, ack) => {
      const reply = typeof ack === "function" ? ack : () => {};
      const parsed = transcriptBatchSchema.safeParse(raw);
      if (!parsed.success) return reply({ ok: false, code: "VALIDATION", message: parsed.error.issues[0]?.message ?? "bad batch" });
      deps.fleet
        .track(archiveEntries(deps, nodeId, parsed.data.runnerId, parsed.data.sessionId, parsed.data.entries))
        .then((accepted) => reply({ ok: true, accepted }))
        .catch((err: unknown) => {
          const code = err instanceof AppError ? err.code : "INTERNAL";
          if (code === "INTERNAL") deps.log("error", "transcript batch failed", { nodeId, error: String(err) });
          reply({ ok: false, code, message: err instanceof AppError ? err.message : "Server error" });
        });
    });
    socket.on("disconnect", () => {
      deps.fleet.agents.detach(nodeId, socket);
      // A server going down is not the node going away; the heartbeat TTL settles it later.
      if (deps.fleet.closing) return;
      deps.fleet.track(markDisconnected(deps, nodeId)).catch((err: unknown) => deps.log("error", "marking node offline failed", { nodeId, error: String(err) }));
    });

    markConnected(deps, nodeId)
      .then(() => socket.emit("agent:welcome", { nodeId, nodeName, credential }))
      .catch((err: unknown) => {
        deps.log("error", "agent registration failed", { nodeId, error: String(err) });
        socket.disconnect(true);
      });
  });
}

export type { ServerToAgentEvents };
