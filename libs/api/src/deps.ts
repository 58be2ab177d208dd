import type { PluginHost } from "./plugins/plugin-host.ts";
import type { Db } from "@stratavore/db";
import type { AccessWatch } from "./auth/access-watch.ts";
import type { ReadCache } from "./cache/read-cache.ts";
import type { ApiConfig } from "./config.ts";
import type { AgentCa } from "./nodes/agent-ca.ts";
import type { Fleet } from "./fleet/fleet.ts";
import type { ApiMetrics } from "./metrics/api-metrics.ts";
import type { JobQueue } from "./notify/job-queue.ts";
import type { RabbitPublisher } from "./notify/senders/rabbitmq.ts";
import type { RealtimeBus } from "./realtime/bus.ts";
import type { TranscriptStore } from "./sessions/archive/transcript-store.ts";
import type { SimilarityProvider } from "./sessions/similarity/provider.ts";

/** What every service needs, wired once by the server (apps are wiring, libs are behaviour). */

export interface ApiDeps {
  db: Db;
  bus: RealtimeBus;
  config: ApiConfig;
  fleet: Fleet;
  /** Told when a user's access changed, so open sockets are re-checked at once. */
  access: AccessWatch;
  transcripts: TranscriptStore;
  /** The process's Prometheus instruments (GET /metrics). */
  metrics: ApiMetrics;
  /** Days after which archived transcript objects are deleted; null keeps them. */
  transcriptRetentionDays?: number | null;
  /** Mutual TLS for agents, when configured: the CA and the https URL agents dial. */
  agentTls?: { ca: AgentCa; url: string };
  /** Lexical (in Postgres) when absent. */
  similarity?: SimilarityProvider;
  /** The job queue and open broker connections; absent in processes that deliver nothing. */
  notify?: { jobs: JobQueue; rabbit: RabbitPublisher };
  /** Loaded plugins behind their failure boundary (plugins/plugin-host.ts); absent: none. */
  plugins?: PluginHost;
  /** Hot reads shared by the cluster (Redis); absent: every read is computed. */
  readCache?: ReadCache;
  log: (level: "info" | "warn" | "error", msg: string, meta?: Record<string, unknown>) => void;
}
