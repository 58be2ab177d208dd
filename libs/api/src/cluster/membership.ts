import { hostname } from "node:os";
import {
  agentPresence,
  beatInstance,
  listInstances,
  pruneInstances,
  reclaimAgents,
  registerInstance,
  removeInstance,
  type Db,
} from "@stratavore/db";
import type { Fleet } from "../fleet/fleet.ts";
import type { Leadership } from "./leadership.ts";

export interface MembershipTiming {
  /** How often an instance says it is alive and reads where every agent is connected. */
  beatMs: number;
  /** An instance silent this long is gone: its agents' sockets are, too. */
  ttlMs: number;
}

export const DEFAULT_MEMBERSHIP_TIMING: MembershipTiming = { beatMs: 2_000, ttlMs: 8_000 };

/**
 * This instance's row in `ServerInstance`, beaten every `beatMs`. In a cluster each beat also
 * reads which live instance holds each node's agent, so `agents.isConnected` and command
 * routing see agents connected anywhere. The leader (a lone process always) forgets instances
 * silent past the TTL.
 */
export class Membership {
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly fleet: Fleet,
    private readonly leadership: Leadership | null,
    private readonly log: (level: "warn" | "error", msg: string, meta?: Record<string, unknown>) => void,
    private readonly timing: MembershipTiming = DEFAULT_MEMBERSHIP_TIMING,
  ) {}

  async start(url: string): Promise<void> {
    await registerInstance(this.db, { id: this.fleet.instanceId, hostname: hostname(), pid: process.pid, url });
    if (!this.leadership) {
      const fresh = Date.now() - this.timing.ttlMs;
      const others = (await listInstances(this.db)).filter(
        (i) => i.id !== this.fleet.instanceId && i.beatAt.getTime() >= fresh,
      );
      // Two lone instances on one database would each run the reconciler and miss the other's agents.
      if (others.length > 0)
        this.log(
          "warn",
          "another server instance uses this database: start every instance with STRATAVORE_CLUSTER=postgres (or redis)",
          {
            others: others.map((o) => `${o.hostname}:${o.pid} ${o.url}`),
          },
        );
    }
    await this.beat();
    this.timer = setInterval(() => {
      this.beating ??= this.beat().finally(() => (this.beating = null));
    }, this.timing.beatMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      // Alone, this process leads itself (and forgets instances a kill -9 left behind).
      const leader = this.leadership ? this.leadership.isLeader : true;
      await beatInstance(this.db, this.fleet.instanceId, leader);
      const now = Date.now();
      if (leader) await pruneInstances(this.db, new Date(now - this.timing.ttlMs));
      if (!this.leadership) return;
      // A beat that came late may have been pruned with its holdings: claim this process's agents again.
      await reclaimAgents(this.db, this.fleet.agents.localNodeIds(), this.fleet.instanceId);
      const presence = await agentPresence(this.db, new Date(now - this.timing.ttlMs));
      const elsewhere = new Map([...presence].filter(([, instance]) => instance !== this.fleet.instanceId));
      this.fleet.agents.setRemote(elsewhere);
      this.fleet.agents.dropSupersededBy(elsewhere, 2 * this.timing.beatMs);
    } catch (err) {
      this.log("warn", "cluster beat failed", { error: String(err) });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.beating;
    await removeInstance(this.db, this.fleet.instanceId).catch(() => undefined);
  }
}
