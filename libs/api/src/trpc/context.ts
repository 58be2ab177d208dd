import type { Db } from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import type { ApiConfig } from "../config.ts";
import type { TranscriptStore } from "../archive/transcript-store.ts";
import type { Fleet } from "../fleet/fleet.ts";
import type { SimilarityProvider } from "../similarity/provider.ts";
import type { RealtimeBus } from "../realtime/bus.ts";

export interface ApiDeps {
  db: Db;
  bus: RealtimeBus;
  config: ApiConfig;
  fleet: Fleet;
  transcripts: TranscriptStore;
  /** Days after which archived transcript objects are deleted; null keeps them. */
  transcriptRetentionDays?: number | null;
  /** Lexical (in Postgres) when absent. */
  similarity?: SimilarityProvider;
  log: (level: "info" | "warn" | "error", msg: string, meta?: Record<string, unknown>) => void;
}

export interface Context extends ApiDeps {
  principal: Principal | null;
  ip: string;
}
