import { serverEventSchemas, type ServerEventName, type ServerEventPayload } from "@stratavore/contracts";

export interface OutgoingEvent<E extends ServerEventName = ServerEventName> {
  room: string;
  event: E;
  payload: ServerEventPayload<E>;
}

/** The one way realtime messages leave the server. */
export interface RealtimeBus {
  publish(events: OutgoingEvent[]): void;
}

/** Validates every payload against its contract before it goes out. */
export function checkedEvent<E extends ServerEventName>(
  room: string,
  event: E,
  payload: ServerEventPayload<E>,
): OutgoingEvent<E> {
  return { room, event, payload: serverEventSchemas[event].parse(payload) as ServerEventPayload<E> };
}

/** For tests and for processes that emit nothing. */
export class MemoryBus implements RealtimeBus {
  readonly sent: OutgoingEvent[] = [];
  publish(events: OutgoingEvent[]): void {
    this.sent.push(...events);
  }
}
