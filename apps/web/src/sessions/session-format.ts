import type { Session } from "@stratavore/contracts";

export const shortSessionId = (id: string) => id.slice(0, 8);

/** Sessions without a recorded title (no summary yet) go by their id. */
export const sessionTitle = (s: Pick<Session, "id" | "title">) => s.title?.trim() || `Session ${shortSessionId(s.id)}`;

export const SESSION_SORTS = ["recent", "oldest", "cost", "messages"] as const;
export type SessionSort = (typeof SESSION_SORTS)[number];
export const asSessionSort = (v: string | null): SessionSort =>
  (SESSION_SORTS as readonly string[]).includes(v ?? "") ? (v as SessionSort) : "recent";
