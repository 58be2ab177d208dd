import type { QueryClient } from "@tanstack/react-query";
import { isActiveRunnerStatus, type Node, type Runner, type ServerEventPayload } from "@stratavore/contracts";
import type { useTRPC } from "../trpc";
import { EventSeqGuard } from "./event-seq-guard";
import { applyNodeUpsert, shiftNodeLoad } from "./node-cache";
import { shiftProjectLoad } from "./project-load";
import { asDate, reviveNode, reviveRunner } from "./revive-dates";
import { applyRunnerActivity, applyRunnerMetrics, applyRunnerUpsert } from "./runner-cache";

type Trpc = ReturnType<typeof useTRPC>;

/**
 * Runner and node events → React Query caches. The API has no "changes since seq" for
 * runners and nodes, so the backfill after a (re)connect refetches them; events that arrive
 * while that refetch is in flight are re-applied afterwards, so a response read just before
 * an event cannot put the older state back.
 */
export function createFleetSync(qc: QueryClient, trpc: Trpc) {
  const runnerSeq = new EventSeqGuard();
  const nodeSeq = new EventSeqGuard();
  const metricsSeq = new EventSeqGuard();
  const activitySeq = new EventSeqGuard();
  let inFlight: { runners: Map<string, Runner>; nodes: Map<string, Node> } | null = null;

  const placeRunner = (runner: Runner) => {
    const applied = applyRunnerUpsert(qc, runner);
    if (!applied) return;
    const { previous } = applied;
    const nowActive = isActiveRunnerStatus(runner.status);
    if (previous) {
      const delta = Number(nowActive) - Number(isActiveRunnerStatus(previous.status));
      if (delta !== 0 && runner.nodeId) shiftNodeLoad(qc, runner.nodeId, delta);
      if (delta !== 0) shiftProjectLoad(qc, runner.projectId, delta);
    } else if (runner.status === "starting") {
      // Unknown before and starting now: a launch or a restart, either way one more active.
      if (runner.nodeId) shiftNodeLoad(qc, runner.nodeId, 1);
      shiftProjectLoad(qc, runner.projectId, 1);
    } else {
      // We never saw it, so we cannot tell what changed; ask once.
      void qc.invalidateQueries({ queryKey: trpc.nodes.list.queryKey() });
      void qc.invalidateQueries({ queryKey: trpc.projects.list.pathKey() });
      void qc.invalidateQueries({ queryKey: trpc.projects.get.pathKey() });
    }
  };

  const placeNode = (node: Node) => {
    if (applyNodeUpsert(qc, node).joined) void qc.invalidateQueries({ queryKey: trpc.joinTokens.list.queryKey() });
  };

  return {
    /** Also for this tab's own mutation results, so counters move once whichever comes first. */
    placeRunner,
    placeNode,

    runnerStatus({ seq, runner }: ServerEventPayload<"runner:status">) {
      if (!runnerSeq.fresh(runner.id, seq)) return;
      const revived = reviveRunner(runner);
      inFlight?.runners.set(revived.id, revived);
      placeRunner(revived);
      void qc.invalidateQueries({ queryKey: trpc.runners.timeline.queryKey({ id: runner.id }) });
    },

    runnerMetrics({ seq, items }: ServerEventPayload<"runner:metrics">) {
      const fresh = items.filter((i) => metricsSeq.fresh(i.runnerId, seq)).map((i) => ({ ...i, at: asDate(i.at) }));
      if (fresh.length) applyRunnerMetrics(qc, fresh);
    },

    runnerActivity({ seq, items }: ServerEventPayload<"runner:activity">) {
      const fresh = items
        .filter((i) => activitySeq.fresh(i.runnerId, seq))
        .map((i) => ({ ...i, activityAt: asDate(i.activityAt) }));
      if (fresh.length) applyRunnerActivity(qc, fresh);
    },

    nodeStatus({ seq, node }: ServerEventPayload<"node:status">) {
      if (!nodeSeq.fresh(node.id, seq)) return;
      const revived = reviveNode(node);
      inFlight?.nodes.set(revived.id, revived);
      placeNode(revived);
      // A node coming or going changes where projects' folders are (Resume, the launch dialog).
      void qc.invalidateQueries({ queryKey: trpc.projects.folder.pathKey() });
    },

    /** Called after the fleet subscription is confirmed, on every (re)connect. */
    async backfill() {
      const window = (inFlight = { runners: new Map(), nodes: new Map() });
      try {
        await Promise.all([
          qc.invalidateQueries({ queryKey: trpc.runners.pathKey() }),
          qc.invalidateQueries({ queryKey: trpc.nodes.pathKey() }),
          // Project runner counts move with runner events (shiftProjectLoad); any we missed
          // while offline are only in a fresh read.
          qc.invalidateQueries({ queryKey: trpc.projects.get.pathKey() }),
          qc.invalidateQueries({ queryKey: trpc.projects.list.pathKey() }),
        ]);
      } finally {
        if (inFlight === window) inFlight = null;
        for (const r of window.runners.values()) applyRunnerUpsert(qc, r);
        for (const n of window.nodes.values()) applyNodeUpsert(qc, n);
      }
    },
  };
}
