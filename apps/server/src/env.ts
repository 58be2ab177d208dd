import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { withSecretFiles } from "@stratavore/contracts";
import { DEFAULT_JOBS_CONFIG } from "@stratavore/api";
import { z } from "zod";

/** The only file of the server that reads process.env (DESIGN.md §9 rule 5). */
const schema = z.object({
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().optional(),
  STRATAVORE_DATA_DIR: z.string().optional(),
  STRATAVORE_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  STRATAVORE_ADMIN_EMAIL: z.string().default("admin@stratavore.local"),
  STRATAVORE_ADMIN_PASSWORD: z.string().min(10, "STRATAVORE_ADMIN_PASSWORD needs at least 10 characters").optional(),
  STRATAVORE_SECRET: z.string().min(32, "STRATAVORE_SECRET needs at least 32 characters").optional(),
  STRATAVORE_PUBLIC_URL: z.url().optional(),
  STRATAVORE_TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  STRATAVORE_SESSION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  STRATAVORE_LOCAL_AGENT: z.enum(["true", "false"]).default("true"),
  STRATAVORE_SERVE_DASHBOARD: z.enum(["true", "false"]).default("true"),
  STRATAVORE_CLAUDE_BIN: z.string().optional(),
  STRATAVORE_AGENT_PASS_ENV: z.string().default(""),
  STRATAVORE_LOG_LEVEL: z.enum(["error", "warn", "info", "debug"]).default("info"),
  NODE_ENV: z.string().optional(),
  CLAUDE_CONFIG_DIR: z.string().optional(),
  STRATAVORE_S3_BUCKET: z.string().optional(),
  STRATAVORE_S3_PREFIX: z.string().default("transcripts/"),
  STRATAVORE_S3_REGION: z.string().default("us-east-1"),
  STRATAVORE_S3_ENDPOINT: z.url().optional(),
  STRATAVORE_S3_ACCESS_KEY_ID: z.string().optional(),
  STRATAVORE_S3_SECRET_ACCESS_KEY: z.string().optional(),
  STRATAVORE_EMBEDDINGS_URL: z.url().optional(),
  STRATAVORE_EMBEDDINGS_MODEL: z.string().default("text-embedding-3-small"),
  /** Plugins to load at start: npm package names or module paths, comma-separated (docs/PLUGINS.md). */
  STRATAVORE_PLUGINS: z.string().default(""),
  /** A JSON file: { "<plugin name>": <its config> }. */
  STRATAVORE_PLUGIN_CONFIG: z.string().optional(),
  STRATAVORE_EMBEDDINGS_API_KEY: z.string().optional(),
  QDRANT_URL: z.url().optional(),
  QDRANT_API_KEY: z.string().optional(),
  STRATAVORE_TRANSCRIPT_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  /** Mutual TLS for agents on this port (0: any free port); unset: agents use the main port. */
  STRATAVORE_AGENT_TLS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  STRATAVORE_LOST_TIMEOUT_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(10),
  STRATAVORE_RESTART_WAIT_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(30),
  STRATAVORE_RESTART_STABLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(10),
  /** A transcript upload that sends nothing for this long gives its slot up (an error for its sender). */
  STRATAVORE_UPLOAD_IDLE_SECONDS: z.coerce.number().positive().max(3600).default(30),
  /** Bearer token Prometheus sends to GET /metrics on the main port; unset: /metrics is off there. */
  STRATAVORE_METRICS_TOKEN: z.string().min(16, "STRATAVORE_METRICS_TOKEN needs at least 16 characters").optional(),
  /** A second, internal listener serving only /metrics (no token unless one is set). */
  STRATAVORE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  STRATAVORE_METRICS_HOST: z.string().default("127.0.0.1"),
  /** How old the ledger totals behind the token and cost counters may be (one aggregate query). */
  STRATAVORE_METRICS_LEDGER_SECONDS: z.coerce.number().min(0).max(3600).default(60),
  /** The outbox dispatcher and delivery workers (notifications); "false" for a process that only serves. */
  STRATAVORE_JOBS: z.enum(["true", "false"]).default("true"),
  STRATAVORE_JOB_RETRY_LIMIT: z.coerce.number().int().min(0).max(50).default(DEFAULT_JOBS_CONFIG.retryLimit),
  STRATAVORE_JOB_RETRY_DELAY_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3600)
    .default(DEFAULT_JOBS_CONFIG.retryDelaySeconds),
  /** A delivery whose worker died is retried after this long. */
  STRATAVORE_JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(DEFAULT_JOBS_CONFIG.expireSeconds),
  STRATAVORE_JOB_MAINTENANCE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(DEFAULT_JOBS_CONFIG.maintenanceSeconds),
  /** Connections this server keeps to PostgreSQL (its pool); PostgreSQL's default limit is 100 for all clients. */
  STRATAVORE_DB_POOL_MAX: z.coerce.number().int().min(2).max(500).default(10),
  /**
   * Several server instances on one database behind a load balancer: how they reach each other
   * (Socket.IO's adapter, commands for agents held elsewhere). Unset: redis when REDIS_URL is
   * set, otherwise single (one process; nothing is published between instances).
   */
  STRATAVORE_CLUSTER: z.enum(["single", "postgres", "redis"]).optional(),
  /** Redis for the Socket.IO adapter and shared login rate limits (optional). */
  REDIS_URL: z.url().optional(),
  HOME: z.string().optional(),
});

export type ServerEnv = ReturnType<typeof readEnv>;

/** Server configuration a node agent never needs: database, secrets, storage and embedding keys. */
const SERVER_ONLY_ENV = /^(STRATAVORE_|DATABASE_URL$|REDIS_URL$|QDRANT_|AWS_)/;

export function readEnv(argv: string[] = process.argv, env: Record<string, string | undefined> = process.env) {
  const parsed = schema.safeParse(withSecretFiles(env, (path) => readFileSync(path, "utf8")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  const e = parsed.data;
  const clusterMode = e.STRATAVORE_CLUSTER ?? (e.REDIS_URL ? "redis" : "single");
  if (clusterMode === "redis" && !e.REDIS_URL)
    throw new Error("Invalid configuration:\n  STRATAVORE_CLUSTER=redis needs REDIS_URL");
  // The mutual-TLS listener is a Socket.IO server of its own, outside the cluster's adapter:
  // agents on it would be unreachable from other instances. Refused rather than half working.
  if (clusterMode !== "single" && e.STRATAVORE_AGENT_TLS_PORT !== undefined)
    throw new Error(
      "Invalid configuration:\n  STRATAVORE_AGENT_TLS_PORT cannot be combined with STRATAVORE_CLUSTER yet: agents on the TLS port would be unreachable from other instances",
    );
  if (clusterMode !== "single" && !e.DATABASE_URL)
    throw new Error(
      "Invalid configuration:\n  STRATAVORE_CLUSTER needs DATABASE_URL: every instance must share one PostgreSQL, not an embedded one",
    );
  const repoRoot = resolve(import.meta.dirname, "../../..");
  const publicUrl = e.STRATAVORE_PUBLIC_URL ?? `http://${e.HOST === "0.0.0.0" ? "127.0.0.1" : e.HOST}:${e.PORT}`;
  return {
    host: e.HOST,
    port: e.PORT,
    dev: argv.includes("--dev"),
    databaseUrl: e.DATABASE_URL,
    dbPoolMax: e.STRATAVORE_DB_POOL_MAX,
    dataDir: resolve(e.STRATAVORE_DATA_DIR ?? resolve(repoRoot, ".data")),
    embeddedPgPort: e.STRATAVORE_PG_PORT,
    adminEmail: e.STRATAVORE_ADMIN_EMAIL,
    adminPassword: e.STRATAVORE_ADMIN_PASSWORD,
    secret: e.STRATAVORE_SECRET,
    publicUrl,
    trustProxy: e.STRATAVORE_TRUST_PROXY === "true",
    uploadIdleMs: e.STRATAVORE_UPLOAD_IDLE_SECONDS * 1000,
    sessionMaxAgeSeconds: Math.round(e.STRATAVORE_SESSION_HOURS * 3600),
    logLevel: e.STRATAVORE_LOG_LEVEL,
    localAgent: e.STRATAVORE_LOCAL_AGENT === "true",
    /** false: an API-only server (no Next.js), e.g. behind a separately hosted dashboard. */
    serveDashboard: e.STRATAVORE_SERVE_DASHBOARD === "true",
    claudeBin: e.STRATAVORE_CLAUDE_BIN ? resolve(e.STRATAVORE_CLAUDE_BIN) : undefined,
    /** Extra variables the local agent lets claude see (comma-separated names). */
    agentPassEnv: e.STRATAVORE_AGENT_PASS_ENV.split(",")
      .map((n) => n.trim())
      .filter(Boolean),
    /**
     * The local agent's environment: the operator's, minus the server's own secrets. The agent
     * passes claude only an allow-listed part of it (libs/agent child-env.ts).
     */
    childEnv: Object.fromEntries(Object.entries(env).filter(([name]) => !SERVER_ONLY_ENV.test(name))),
    repoRoot,
    webDir: resolve(repoRoot, "apps/web"),
    s3: e.STRATAVORE_S3_BUCKET
      ? {
          bucket: e.STRATAVORE_S3_BUCKET,
          prefix: e.STRATAVORE_S3_PREFIX,
          region: e.STRATAVORE_S3_REGION,
          endpoint: e.STRATAVORE_S3_ENDPOINT,
          accessKeyId: e.STRATAVORE_S3_ACCESS_KEY_ID,
          secretAccessKey: e.STRATAVORE_S3_SECRET_ACCESS_KEY,
        }
      : null,
    transcriptRetentionDays: e.STRATAVORE_TRANSCRIPT_RETENTION_DAYS ?? null,
    agentTlsPort: e.STRATAVORE_AGENT_TLS_PORT ?? null,
    cluster: { mode: clusterMode, redisUrl: e.REDIS_URL ?? null },
    jobs:
      e.STRATAVORE_JOBS === "true"
        ? {
            ...DEFAULT_JOBS_CONFIG,
            retryLimit: e.STRATAVORE_JOB_RETRY_LIMIT,
            retryDelaySeconds: e.STRATAVORE_JOB_RETRY_DELAY_SECONDS,
            expireSeconds: e.STRATAVORE_JOB_TIMEOUT_SECONDS,
            maintenanceSeconds: e.STRATAVORE_JOB_MAINTENANCE_SECONDS,
          }
        : null,
    metrics: {
      token: e.STRATAVORE_METRICS_TOKEN ?? null,
      port: e.STRATAVORE_METRICS_PORT ?? null,
      host: e.STRATAVORE_METRICS_HOST,
      ledgerMaxAgeMs: e.STRATAVORE_METRICS_LEDGER_SECONDS * 1000,
    },
    /** How long a lost runner waits for its node and a restart for a place; how long a run is stable. */
    fleet: {
      lostTimeoutMs: e.STRATAVORE_LOST_TIMEOUT_MINUTES * 60_000,
      restartWaitMs: e.STRATAVORE_RESTART_WAIT_MINUTES * 60_000,
      restartStableMs: e.STRATAVORE_RESTART_STABLE_MINUTES * 60_000,
    },
    embeddings:
      e.STRATAVORE_EMBEDDINGS_URL && e.QDRANT_URL
        ? {
            url: e.STRATAVORE_EMBEDDINGS_URL,
            model: e.STRATAVORE_EMBEDDINGS_MODEL,
            apiKey: e.STRATAVORE_EMBEDDINGS_API_KEY,
            qdrantUrl: e.QDRANT_URL,
            qdrantApiKey: e.QDRANT_API_KEY,
          }
        : null,
    plugins: {
      specs: e.STRATAVORE_PLUGINS.split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      configFile: e.STRATAVORE_PLUGIN_CONFIG ? resolve(e.STRATAVORE_PLUGIN_CONFIG) : null,
    },
    claudeProjectsDir: resolve(e.CLAUDE_CONFIG_DIR ?? resolve(e.HOME ?? "/root", ".claude"), "projects"),
    prismaDir: resolve(repoRoot, "prisma"),
  };
}

/** next-auth reads its origin from NEXTAUTH_URL; we derive it from the public URL. */
export function exportAuthEnv(publicUrl: string): void {
  process.env.NEXTAUTH_URL = publicUrl;
  process.env.NEXT_TELEMETRY_DISABLED = "1";
}
