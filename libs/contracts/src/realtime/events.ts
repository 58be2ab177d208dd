import { z } from "zod";
import { budgetSchema } from "../schemas/budget.ts";
import { notificationSchema } from "../schemas/notification.ts";
import { nodeSchema } from "../schemas/node.ts";
import { projectSchema } from "../schemas/project.ts";
import { outputChunkSchema, runnerActivityStateSchema, runnerSchema } from "../schemas/runner.ts";

/**
 * Realtime contract (DESIGN.md §6). Every server→client event carries `seq`, the audit-log
 * sequence of the change it announces, so a client can backfill from the API after `seq`.
 */
export const projectUpsertEvent = z.object({ seq: z.number().int(), project: projectSchema });
export const projectDeleteEvent = z.object({ seq: z.number().int(), id: z.uuid() });

export const runnerStatusEvent = z.object({ seq: z.number().int(), runner: runnerSchema });
/** Terminal output; `seq` is the runner's own output sequence (gap-free per runner). */
export const runnerOutputEvent = z.object({ runnerId: z.uuid(), seq: z.number().int(), data: z.string() });
/** Heartbeat figures; `seq` is the server's metrics sequence (not audited, so not the audit seq). */
export const runnerMetricsEvent = z.object({
  seq: z.number().int(),
  items: z.array(
    z.object({
      runnerId: z.uuid(),
      cpuPercent: z.number().nullable(),
      memoryBytes: z.number().nullable(),
      at: z.date(),
    }),
  ),
});
/** What runners are doing (on each beat, and at once when one starts or stops waiting); `seq` as metrics. */
export const runnerActivityEvent = z.object({
  seq: z.number().int(),
  items: z.array(
    z.object({
      runnerId: z.uuid(),
      activity: runnerActivityStateSchema,
      activityLine: z.string().nullable(),
      activityAt: z.date(),
    }),
  ),
});
export const nodeStatusEvent = z.object({ seq: z.number().int(), node: nodeSchema });
/**
 * Runners whose spend changed, with their new *totals* (setting, not adding, so a repeated or
 * late message is harmless). Throttled: at most one message a second for the whole fleet.
 */
export const usageUpdateEvent = z.object({
  seq: z.number().int(),
  items: z.array(
    z.object({
      runnerId: z.uuid(),
      projectId: z.uuid(),
      totalTokens: z.number(),
      costUsd: z.number(),
      /** Of totalTokens, those of models with no price (absent from servers before it). */
      unpricedTokens: z.number().optional(),
    }),
  ),
});
export const budgetUpdateEvent = z.object({ seq: z.number().int(), budget: budgetSchema });
/** Progress of an import of history started from Settings (server-side files). */
export const importProgressEvent = z.object({
  seq: z.number().int(),
  jobId: z.string(),
  sessionsDone: z.number().int(),
  sessionsTotal: z.number().int(),
  recordsChanged: z.number().int(),
  finished: z.boolean(),
  error: z.string().nullable(),
  /** Bytes of transcript read so far: a file is read from where the last import of it stopped. */
  bytesRead: z.number().int(),
  /** Sessions with nothing new since the last import (not read again). */
  sessionsUnchanged: z.number().int(),
});

/** Lines were archived for a session (not the lines: a viewer at the end fetches what follows its last). */
export const sessionAppendedEvent = z.object({ sessionId: z.string(), added: z.number().int() });

/** Sent to one socket just before the server disconnects it: its access was revoked or its sign-in ended. */
export const sessionEndedEvent = z.object({ reason: z.string() });

/** To one user's sockets: a new in-app notification and the unread count after it. */
export const notificationNewEvent = z.object({ notification: notificationSchema, unread: z.number().int() });

/** To the user who asked: how far a chain verification has got. */
export const auditVerifyEvent = z.object({
  checked: z.number().int(),
  lastSeq: z.number().int(),
  done: z.boolean(),
});

/** A project's task queue or pool changed (a task added, started, ended; a scaling decision): refetch them. */
export const poolChangedEvent = z.object({ seq: z.number().int(), projectId: z.uuid() });

export const serverEventSchemas = {
  "audit:verify": auditVerifyEvent,
  "notification:new": notificationNewEvent,
  "project:upsert": projectUpsertEvent,
  "project:delete": projectDeleteEvent,
  "runner:status": runnerStatusEvent,
  "runner:output": runnerOutputEvent,
  "runner:metrics": runnerMetricsEvent,
  "runner:activity": runnerActivityEvent,
  "node:status": nodeStatusEvent,
  "usage:update": usageUpdateEvent,
  "budget:update": budgetUpdateEvent,
  "import:progress": importProgressEvent,
  "session:ended": sessionEndedEvent,
  "session:appended": sessionAppendedEvent,
  "pool:changed": poolChangedEvent,
} as const;

export type ServerEventName = keyof typeof serverEventSchemas;
export type ServerEventPayload<E extends ServerEventName> = z.infer<(typeof serverEventSchemas)[E]>;

/** Socket.IO typed map: server → client. */
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerEventPayload<E>) => void;
};

export const subscribeInput = z.object({ room: z.string().min(1).max(100) });
export type SubscribeAck = { ok: true } | { ok: false; code: string; message: string };

export const runnerAttachInput = z.object({ runnerId: z.uuid() });
/** Joining a runner's terminal: the recent scrollback comes back in the ack, live output follows. */
export type RunnerAttachAck =
  { ok: true; chunks: z.infer<typeof outputChunkSchema>[] } | { ok: false; code: string; message: string };
export const runnerInputMessage = z.object({ runnerId: z.uuid(), data: z.string().min(1).max(64_000) });
export const runnerResizeMessage = z.object({
  runnerId: z.uuid(),
  cols: z.number().int().min(10).max(1000),
  rows: z.number().int().min(5).max(500),
});
export type CommandAck = { ok: true } | { ok: false; code: string; message: string };

/** Socket.IO typed map: client → server. */
export type ClientToServerEvents = {
  subscribe: (payload: z.infer<typeof subscribeInput>, ack: (res: SubscribeAck) => void) => void;
  unsubscribe: (payload: z.infer<typeof subscribeInput>) => void;
  "runner:attach": (payload: z.infer<typeof runnerAttachInput>, ack: (res: RunnerAttachAck) => void) => void;
  "runner:detach": (payload: z.infer<typeof runnerAttachInput>) => void;
  "runner:input": (payload: z.infer<typeof runnerInputMessage>, ack?: (res: CommandAck) => void) => void;
  "runner:resize": (payload: z.infer<typeof runnerResizeMessage>, ack?: (res: CommandAck) => void) => void;
};

/** Every client → server event, for the authorization matrix (kept equal to the type by `satisfies`). */
export const CLIENT_EVENTS = [
  "subscribe",
  "unsubscribe",
  "runner:attach",
  "runner:detach",
  "runner:input",
  "runner:resize",
] as const satisfies readonly (keyof ClientToServerEvents)[];
type MissingClientEvent = Exclude<keyof ClientToServerEvents, (typeof CLIENT_EVENTS)[number]>;
/** Fails to compile when an event is added to ClientToServerEvents but not to CLIENT_EVENTS. */
export const clientEventsComplete: MissingClientEvent extends never ? true : false = true;

/** Rooms: `fleet` carries list-level events every signed-in user may read. */
export const ROOMS = {
  fleet: "fleet",
  project: (id: string) => `project:${id}`,
  runner: (id: string) => `runner:${id}`,
  /** A session's viewers: told when lines are archived, so an open transcript grows live. */
  session: (id: string) => `session:${id}`,
  /** Joined by the server for each signed-in socket; never by a client's subscribe. */
  user: (id: string) => `user:${id}`,
} as const;

export function isAllowedRoomName(room: string): boolean {
  return room === ROOMS.fleet || /^project:[0-9a-f-]{36}$/.test(room) || /^session:[A-Za-z0-9._-]{1,100}$/.test(room);
}
