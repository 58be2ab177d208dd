import { randomUUID } from "node:crypto";
import type {
  TranscriptBatch,
  TranscriptEntryInput,
  UsageBatch,
  UsageBatchAck,
  UsageRecordInput,
} from "@stratavore/contracts";
import type { AgentLog } from "./agent-options.ts";
import type { DeadLetters } from "./dead-letters.ts";
import { eachAtMost } from "./each-at-most.ts";
import type { SpoolEvent, SpoolState } from "./spool-journal.ts";

const MAX_BATCH = 1000;
/** Runners whose batches are in flight at once (each runner's own stay in order). */
const SHIP_CONCURRENCY = 8;
/** Archive batches stay well under the socket's message limit (transcript lines can be large). */
const MAX_ENTRY_BYTES = 2_000_000;

export interface Shipping {
  deadLetters: DeadLetters;
  /** "hold": the server does not know the session as the runner's yet; "drop": it refused it. */
  stateOf: (runnerId: string, sessionId: string) => "ship" | "hold" | "drop";
  /** Records what left the spool (shipped or set aside). */
  journal: (event: SpoolEvent) => void;
  log: AgentLog;
}

/**
 * Usage, runner by runner (each runner's batches in order, several runners at once: one at a
 * time, 250 runners' round trips made a response wait 9 s for the ledger at 1,000 runners):
 * one runner's refused or failing batch never holds up another's. A transient failure keeps
 * that runner's records in `pending` for the next tick; a refusal no retry can change sets the
 * refused record aside (dead letters) and carries on.
 */
export async function shipUsage(
  pending: Map<string, UsageRecordInput[]>,
  send: (batch: UsageBatch) => Promise<UsageBatchAck>,
  s: Shipping,
): Promise<void> {
  await eachAtMost(SHIP_CONCURRENCY, [...pending], async ([runnerId, records]) => {
    while (records.length) {
      // In order: a refused session's records at the head are set aside, then records go up to
      // the first one of a held session.
      const dropped = leading(records, (r) => s.stateOf(runnerId, r.sessionId) === "drop");
      if (dropped) {
        const [first] = records.splice(0, dropped);
        setAside(s, "usage records", runnerId, first?.sessionId ?? "", dropped);
        s.journal({ t: "shipped", k: "usage", r: runnerId, n: dropped });
        continue;
      }
      const batch = records.slice(
        0,
        leading(records.slice(0, MAX_BATCH), (r) => s.stateOf(runnerId, r.sessionId) === "ship"),
      );
      if (!batch.length) break;
      const sent = await s.deadLetters.deliver("usage", runnerId, batch, (items) =>
        send({ runnerId, batchId: randomUUID(), records: items as UsageRecordInput[] }),
      );
      if (!sent) break;
      records.splice(0, batch.length);
      s.journal({ t: "shipped", k: "usage", r: runnerId, n: batch.length });
    }
    if (!records.length) pending.delete(runnerId);
  });
}

/** The archive: new transcript lines in size-bounded batches, runner by runner, kept until acknowledged. */
export async function shipLines(
  pending: SpoolState["lines"],
  archive: (batch: TranscriptBatch) => Promise<UsageBatchAck>,
  s: Shipping,
): Promise<void> {
  await eachAtMost(SHIP_CONCURRENCY, [...pending], async ([key, queued]) => {
    const { runnerId, sessionId } = queued;
    const state = s.stateOf(runnerId, sessionId);
    if (state === "hold") return;
    if (state === "drop") {
      setAside(s, "transcript lines", runnerId, sessionId, queued.entries.length);
      s.journal({ t: "shipped", k: "lines", r: runnerId, s: sessionId, n: queued.entries.length });
      pending.delete(key);
      return;
    }
    while (queued.entries.length) {
      let bytes = 0;
      let n = 0;
      // Measured as sent (JSON, UTF-8): raw line, text and escaping all count against the socket limit.
      const size = (i: number) => Buffer.byteLength(JSON.stringify(queued.entries[i]));
      while (n < queued.entries.length && n < 500 && (n === 0 || bytes + size(n) < MAX_ENTRY_BYTES)) bytes += size(n++);
      const sent = await s.deadLetters.deliver("transcript", runnerId, queued.entries.slice(0, n), (items) =>
        archive({ runnerId, sessionId, entries: items as TranscriptEntryInput[] }),
      );
      if (!sent) break;
      queued.entries.splice(0, n);
      s.journal({ t: "shipped", k: "lines", r: runnerId, s: sessionId, n });
    }
    if (!queued.entries.length) pending.delete(key);
  });
}

/** What a session the server refused to take as the runner's gave: not sent (it would be refused, and audited, item by item). */
function setAside(s: Shipping, what: string, runnerId: string, sessionId: string, n: number): void {
  s.log("warn", `${what} of a session the server refused for this runner set aside`, { runnerId, sessionId, n });
}

/** How many items at the head of `items` satisfy `test`. */
function leading<T>(items: readonly T[], test: (item: T) => boolean): number {
  const i = items.findIndex((item) => !test(item));
  return i === -1 ? items.length : i;
}
