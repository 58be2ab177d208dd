import { z } from "zod";
import { projectSchema } from "../schemas/project.ts";

/**
 * Realtime contract (DESIGN.md §6). Every server→client event carries `seq`, the audit-log
 * sequence of the change it announces, so a client can backfill from the API after `seq`.
 */
export const projectUpsertEvent = z.object({ seq: z.number().int(), project: projectSchema });
export const projectDeleteEvent = z.object({ seq: z.number().int(), id: z.uuid() });

export const serverEventSchemas = {
  "project:upsert": projectUpsertEvent,
  "project:delete": projectDeleteEvent,
} as const;

export type ServerEventName = keyof typeof serverEventSchemas;
export type ServerEventPayload<E extends ServerEventName> = z.infer<(typeof serverEventSchemas)[E]>;

/** Socket.IO typed map: server → client. */
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerEventPayload<E>) => void;
};

export const subscribeInput = z.object({ room: z.string().min(1).max(100) });
export type SubscribeAck = { ok: true } | { ok: false; code: string; message: string };

/** Socket.IO typed map: client → server. */
export type ClientToServerEvents = {
  subscribe: (payload: z.infer<typeof subscribeInput>, ack: (res: SubscribeAck) => void) => void;
  unsubscribe: (payload: z.infer<typeof subscribeInput>) => void;
};

/** Rooms: `fleet` carries list-level events every signed-in user may read. */
export const ROOMS = { fleet: "fleet", project: (id: string) => `project:${id}` } as const;

export function isAllowedRoomName(room: string): boolean {
  return room === ROOMS.fleet || /^project:[0-9a-f-]{36}$/.test(room);
}
