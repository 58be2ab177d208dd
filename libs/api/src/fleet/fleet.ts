import { randomUUID } from "node:crypto";
import { AgentRegistry } from "./agent-registry.ts";
import { ScrollbackStore } from "./scrollback-store.ts";

export interface FleetConfig {
  /** A node silent for longer is offline and its runners failed (DESIGN §2: 30 s). */
  heartbeatTtlMs: number;
  reconcileIntervalMs: number;
  /** Backoff before the first `--resume` relaunch; doubles per attempt. */
  restartBaseMs: number;
  agentAckTimeoutMs: number;
  /** A restart that cannot be placed keeps waiting (no attempt used) this long, then gives up. */
  restartWaitMs: number;
  /**
   * A run that lasted this long before it failed counts its restarts afresh: a crash loop is
   * failures in quick succession, not one failure a day over a week-long task.
   */
  restartStableMs: number;
  /** A `lost` runner whose node stays away this long is failed (`heartbeat_lost`) and restarted elsewhere. */
  lostTimeoutMs: number;
  /**
   * After the server starts, heartbeats are judged only once agents had time to reconnect:
   * one TTL plus this (the agents' longest reconnect backoff, 30 s).
   */
  agentReconnectMaxMs: number;
  /** A session's store copy waits until no line has been added to it for this long (archive-job.ts). */
  archiveQuietMs: number;
}

export const DEFAULT_FLEET_CONFIG: FleetConfig = {
  heartbeatTtlMs: 30_000,
  reconcileIntervalMs: 5_000,
  restartBaseMs: 2_000,
  agentAckTimeoutMs: 15_000,
  restartWaitMs: 30 * 60_000,
  restartStableMs: 10 * 60_000,
  lostTimeoutMs: 10 * 60_000,
  agentReconnectMaxMs: 30_000,
  archiveQuietMs: 10_000,
};

/** The process-local half of fleet state: live sockets and terminal buffers. The rest is in Postgres. */
export class Fleet {
  /** This server process in the cluster (`ServerInstance.id`; `Node.agentInstanceId` points here). */
  readonly instanceId = randomUUID();
  readonly agents = new AgentRegistry();
  /**
   * In a cluster only the instance holding the leader lock reconciles (`since`: when it took
   * it, for the reconnect grace). Null: a lone process, always the leader.
   */
  leadership: { readonly isLeader: boolean; readonly since: number | null } | null = null;
  /** How instances reach each other (ADR 0008); "single": they do not. */
  clusterMode: "single" | "postgres" | "redis" = "single";
  /**
   * Told when this instance learnt a runner's node (`moved`) or saw it end (`ended`), so other
   * instances drop their cached node for it — and, once it ended, its screen.
   */
  onRunnerChanged?: (runnerId: string, change: "moved" | "ended", nodeId?: string) => void;
  readonly scrollback = new ScrollbackStore();
  /** In a cluster: the screen of a runner whose agent another instance holds (the longest a peer has). */
  peerScrollback?: (runnerId: string) => Promise<{ seq: number; data: string }[]>;
  private metricsSeq = 0;
  /** Set while the server shuts down: agents disconnecting then are not marked offline. */
  closing = false;
  /** Observes each ingested heartbeat batch (duration, runner count): benchmarks and metrics. */
  onHeartbeatIngested?: (ms: number, runners: number) => void;
  /** runner → node, so per-chunk traffic (output, input) needs no database round trip. */
  private readonly owners = new Map<string, string>();

  private readonly inFlight = new Set<Promise<unknown>>();
  private usageDirty = new Set<string>();
  private usageTimer: NodeJS.Timeout | null = null;

  /** When this server process started: heartbeat judgement waits for agents to reconnect. */
  readonly startedAt = Date.now();

  constructor(readonly config: FleetConfig = DEFAULT_FLEET_CONFIG) {}

  /** Keeps agent-driven work visible so shutdown can let it finish before closing the pool. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /**
   * Live spend counters are throttled for the whole fleet: changed runners are collected and
   * flushed at most once a second, so 1000 busy runners cost a browser one message a second.
   */
  usageChanged(runnerId: string, flush: () => Promise<void>): void {
    this.usageDirty.add(runnerId);
    if (this.usageTimer) return;
    this.usageTimer = setTimeout(() => {
      this.usageTimer = null;
      void this.track(flush()).catch(() => undefined);
    }, 1000);
    this.usageTimer.unref();
  }

  takeUsageChanged(): string[] {
    const ids = [...this.usageDirty];
    this.usageDirty = new Set();
    return ids;
  }

  private readonly queues = new Map<string, Promise<unknown>>();

  /** Runs `work` after the previous work under the same key has settled (a per-key mutex). */
  serially<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, tail);
    // Keys are per runner too: forget a queue once nothing waits on it.
    void tail.then(() => this.queues.get(key) === tail && this.queues.delete(key));
    return next;
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private readonly ownerLookups = new Map<string, Promise<string | null>>();
  /** Bumped whenever a runner's owner is learnt or forgotten: a lookup begun before is stale. */
  private readonly ownerEpochs = new Map<string, number>();

  /** The cached owner, or one database lookup shared by everyone asking meanwhile. */
  async ownerOf(runnerId: string, lookup: (id: string) => Promise<string | null>): Promise<string | null> {
    for (;;) {
      const known = this.owners.get(runnerId);
      if (known) return known;
      const epoch = this.ownerEpochs.get(runnerId) ?? 0;
      let pending = this.ownerLookups.get(runnerId);
      if (!pending) {
        const mine: Promise<string | null> = lookup(runnerId).finally(() => {
          if (this.ownerLookups.get(runnerId) === mine) this.ownerLookups.delete(runnerId);
        });
        pending = mine;
        this.ownerLookups.set(runnerId, pending);
      }
      const nodeId = await pending;
      // Moved or forgotten while the lookup ran (another instance said so): its answer may
      // predate the move, so ask again rather than cache — or act on — an old owner.
      if ((this.ownerEpochs.get(runnerId) ?? 0) !== epoch) continue;
      if (nodeId) this.owners.set(runnerId, nodeId);
      return nodeId;
    }
  }

  private bumpOwnerEpoch(runnerId: string): void {
    this.ownerEpochs.set(runnerId, (this.ownerEpochs.get(runnerId) ?? 0) + 1);
    this.ownerLookups.delete(runnerId);
  }

  setOwner(runnerId: string, nodeId: string): void {
    const before = this.owners.get(runnerId);
    this.bumpOwnerEpoch(runnerId);
    this.owners.set(runnerId, nodeId);
    if (before !== nodeId) this.onRunnerChanged?.(runnerId, "moved", nodeId);
  }

  forgetRunner(runnerId: string): void {
    this.forgetLocally(runnerId, "ended");
    this.onRunnerChanged?.(runnerId, "ended");
  }

  /**
   * What another instance learnt makes this one's cache stale: the runner's node always; its
   * screen only once it ended (the screen of a running runner is where its agent's output
   * arrives, and a launch elsewhere must not wipe the banner that already arrived here).
   */
  forgetLocally(runnerId: string, change: "moved" | "ended"): void {
    this.owners.delete(runnerId);
    this.bumpOwnerEpoch(runnerId);
    if (change === "ended") {
      this.scrollback.forget(runnerId);
      this.ownerEpochs.delete(runnerId);
    }
  }

  nextMetricsSeq(): number {
    this.metricsSeq = Math.max(this.metricsSeq + 1, Date.now());
    return this.metricsSeq;
  }
}
