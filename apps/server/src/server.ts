import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { startAgentTlsListener } from "./agent-tls.ts";
import {
  attachRealtime,
  buildAuthOptions,
  createAuthHandler,
  createTrpcHandler,
  createTranscriptUploadHandler,
  createBackupHandler,
  createMetricsHandler,
  createOpenApiHandler,
  createRestHandler,
  createTaskHookHandler,
  startPlugins,
  ApiMetrics,
  registerStateCollectors,
  DEFAULT_FLEET_CONFIG,
  ensureFirstAdmin,
  createDefaultChannel,
  Fleet,
  embeddingsProvider,
  LoginRateLimiter,
  redisReadCache,
  DEFAULT_LOGIN_LIMITS,
  auditLockout,
  AccessWatch,
  QdrantVectorStore,
  startReconciler,
  startNotifyRuntime,
  upgradeLedger,
  openClusterTransport,
  Leadership,
  Membership,
  type ApiConfig,
  type ApiDeps,
  type FleetConfig,
  type RealtimeBus,
} from "@stratavore/api";
import { createDb, pingDatabase, poolOf } from "@stratavore/db";
import { openDatabase, openTranscriptStore } from "./database.ts";
import { exportAuthEnv, type ServerEnv } from "./env.ts";
import { dispatch } from "./http-routes.ts";
import { startMetricsListener } from "./metrics-listener.ts";
import type { Log } from "./logger.ts";
import { prepareNext, type NextApp } from "./next-app.ts";
import { deriveKey, generatePassword, loadOrCreateSecret } from "./secrets.ts";
import { RUNS_BUNDLED } from "./bundled.ts";

export interface RunningServer {
  url: string;
  /** The internal metrics listener's URL, when STRATAVORE_METRICS_PORT is set. */
  metricsUrl: string | null;
  deps: ApiDeps;
  http: Server;
  /** Set only on the start that created the first admin with a generated password. */
  firstAdmin: { email: string; password: string; generated: boolean } | null;
  close: () => Promise<void>;
}

const VERSION = "0.1.0";

export interface StartOptions {
  web: boolean;
  /** Overrides for tests (short heartbeat TTL, fast restarts). */
  fleet?: Partial<FleetConfig>;
  /** Called as soon as a first admin is created, before anything else can fail, so the password is never lost. */
  onFirstAdmin?: (admin: NonNullable<RunningServer["firstAdmin"]>) => void;
}

export async function startServer(env: ServerEnv, log: Log, opts: StartOptions): Promise<RunningServer> {
  const secret = await loadOrCreateSecret(env.dataDir, env.secret);
  exportAuthEnv(env.publicUrl);
  const database = await openDatabase(env, log);
  const db = createDb({ connectionString: database.url, poolMax: env.dbPoolMax });

  const config: ApiConfig = {
    authSecret: secret,
    auditKey: deriveKey(secret, "audit"),
    channelKey: deriveKey(secret, "channels"),
    publicUrl: env.publicUrl,
    sessionMaxAgeSeconds: env.sessionMaxAgeSeconds,
    version: VERSION,
    secureCookies: env.publicUrl.startsWith("https://"),
    claudeProjectsDir: env.claudeProjectsDir,
  };

  const password = env.adminPassword ?? generatePassword();
  // A fresh install: the first admin, and the dashboard's bell taking warnings from the start.
  const admin = await ensureFirstAdmin(db, env.adminEmail.toLowerCase(), password, (tx) =>
    createDefaultChannel(tx, config),
  );
  const firstAdmin = admin ? { email: admin.email, password, generated: !env.adminPassword } : null;
  if (firstAdmin) opts.onFirstAdmin?.(firstAdmin);
  // The bus is bound once Socket.IO exists; nothing publishes before the server listens.
  let bus: RealtimeBus = { publish: () => {} };
  const fleet = new Fleet({ ...DEFAULT_FLEET_CONFIG, ...env.fleet, ...opts.fleet });
  const transcripts = openTranscriptStore(env);
  const similarity = env.embeddings
    ? embeddingsProvider(env.embeddings, new QdrantVectorStore(env.embeddings.qdrantUrl, env.embeddings.qdrantApiKey))
    : undefined;
  const access = new AccessWatch();
  // Several instances on one database: they share rooms, agent commands and rate limits
  // through PostgreSQL or Redis, and one of them (the leader) runs the reconciler.
  const cluster =
    env.cluster.mode === "single"
      ? null
      : await openClusterTransport(
          env.cluster.mode,
          { databaseUrl: database.url, redisUrl: env.cluster.redisUrl },
          log,
        );
  const leadership = cluster
    ? new Leadership(database.url, {
        elected: () =>
          log("info", "this instance leads the cluster (runs the reconciler)", { instance: fleet.instanceId }),
        deposed: (why) => log("warn", "this instance no longer leads the cluster", { why }),
      })
    : null;
  fleet.leadership = leadership;
  fleet.clusterMode = env.cluster.mode;
  const membership = new Membership(db, fleet, leadership, log);
  const metrics = new ApiMetrics(VERSION);
  const deps: ApiDeps = {
    metrics,
    db,
    access,
    config,
    log,
    fleet,
    transcripts,
    similarity,
    transcriptRetentionDays: env.transcriptRetentionDays,
    bus: { publish: (events) => bus.publish(events) },
    // Hot reads shared by every instance, only where Redis is (ADR 0009).
    readCache: cluster?.redis ? redisReadCache(cluster.redis, log) : undefined,
  };

  let web: NextApp | null = null;
  // Our handler must be registered before Socket.IO attaches: engine.io wraps the request
  // listeners that exist at attach time and keeps /socket.io requests away from them.
  const http = createServer(
    dispatch(
      {
        trpc: createTrpcHandler(deps, env.trustProxy),
        auth: createAuthHandler(
          buildAuthOptions(
            db,
            new LoginRateLimiter(
              DEFAULT_LOGIN_LIMITS,
              (email, address) => void auditLockout(deps, email, address),
              // Shared by every instance, and kept across restarts: a restart is no fresh budget of guesses.
              cluster?.redis ? { kind: "redis", client: cluster.redis } : { kind: "postgres", pool: poolOf(db) },
            ),
            config,
            access,
          ),
          env.trustProxy,
          (msg, error) => deps.log("error", `sign-in: ${msg}`, { error }),
        ),
        upload: createTranscriptUploadHandler(deps, { idleMs: env.uploadIdleMs }),
        backup: createBackupHandler(deps, { databaseUrl: database.url, scratchDir: join(env.dataDir, "backups") }),
        ready: () => pingDatabase(database.url, 1000),
        rest: createRestHandler(deps, env.trustProxy),
        taskHook: createTaskHookHandler(deps),
        openapi: createOpenApiHandler(deps),
        metrics: createMetricsHandler(metrics, { token: env.metrics.token, enabled: !!env.metrics.token }, log),
        observe: (route, req, res) => metrics.observeHttp(route, req.method, res),
        health: () => {
          const state = database.embedded?.state() ?? "external";
          return { ok: state !== "down", database: state };
        },
        web: async (req, res) => {
          if (web) return web.handle(req, res);
          res.writeHead(404, { "content-type": "text/plain" }).end("The dashboard is not served by this process.");
        },
      },
      (err) => log("error", "request failed", { error: String(err) }),
    ),
  );
  registerStateCollectors(metrics, deps, { ledgerMaxAgeMs: env.metrics.ledgerMaxAgeMs });
  const pluginConfig = await readPluginConfig(env.plugins.configFile);
  await startPlugins(deps, env.plugins.specs, pluginConfig, process.cwd(), RUNS_BUNDLED);
  await upgradeLedger(deps);
  const realtime = attachRealtime(http, deps, cluster);
  bus = realtime.bus;
  leadership?.start();
  const stopReconciler = startReconciler(deps);
  const notify = env.jobs ? await startNotifyRuntime(deps, database.url, env.jobs) : null;
  if (opts.web)
    web = await prepareNext({ dir: env.webDir, dev: env.dev, hostname: env.host, port: env.port, httpServer: http });

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(env.port, env.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const url = env.port === 0 ? `http://${env.host}:${port}` : env.publicUrl;
  // With an OS-chosen port the origin next-auth must use is only known now.
  if (env.port === 0) exportAuthEnv(url);
  config.allowedOrigins = [new URL(url).origin, new URL(env.publicUrl).origin];
  // Its own address (behind a load balancer `url` is the balancer's), for operators and peers.
  await membership.start(`http://${env.host === "0.0.0.0" ? "127.0.0.1" : env.host}:${port}`);
  const agentTls =
    env.agentTlsPort === null
      ? null
      : await startAgentTlsListener(deps, {
          dataDir: env.dataDir,
          host: env.host,
          port: env.agentTlsPort,
          publicUrl: env.port === 0 ? url : env.publicUrl,
        });
  if (agentTls) log("info", "agents must use mutual TLS", { url: agentTls.url });
  const metricsListener =
    env.metrics.port === null
      ? null
      : await startMetricsListener(metrics, { ...env.metrics, port: env.metrics.port }, log);
  if (metricsListener) log("info", "metrics served", { url: metricsListener.url });

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      // Stop accepting, let in-flight requests finish (bounded), then release resources.
      stopReconciler();
      await leadership?.stop();
      fleet.closing = true;
      await notify?.stop();
      const drained = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      await realtime.io.close().catch(() => undefined);
      await agentTls?.close();
      await metricsListener?.close();
      const timer = setTimeout(() => http.closeAllConnections(), 5_000);
      await drained;
      clearTimeout(timer);
      await fleet.settle();
      await membership.stop();
      await cluster?.close();
      await web?.close().catch(() => undefined);
      await db.$disconnect();
      await database.embedded?.stop();
    })();
    return closing;
  };
  return { url, metricsUrl: metricsListener?.url ?? null, deps, http, firstAdmin, close };
}

/** The plugins' configs, `{ "<plugin name>": config }`, from STRATAVORE_PLUGIN_CONFIG's file. */
async function readPluginConfig(file: string | null): Promise<Record<string, unknown>> {
  if (!file) return {};
  const parsed: unknown = JSON.parse(await readFile(file, "utf8"));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error(
      `Invalid configuration:\n  STRATAVORE_PLUGIN_CONFIG: ${file} must hold a JSON object keyed by plugin name`,
    );
  return parsed as Record<string, unknown>;
}
