import type { ApiClient } from "@stratavore/api-client";
import type { LiveKind } from "./complete-words.ts";

/** Names (or ids) a user types for each kind, newest first, as the API lists them. */
export async function liveNames(api: ApiClient, kind: LiveKind): Promise<string[]> {
  switch (kind) {
    case "project":
      return (await api.projects.list.query({ includeArchived: false })).map((p) => p.name);
    case "runner":
      return (await api.runners.list.query({ limit: 100 })).map((r) => r.id);
    case "session":
      return (await api.sessions.list.query({ limit: 100 })).sessions.map((s) => s.id);
    case "node":
      return (await api.nodes.list.query()).map((n) => n.name);
    case "budget":
      return (await api.budgets.list.query()).map((b) => b.name);
  }
}
