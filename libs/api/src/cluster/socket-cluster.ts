import pg from "pg";
import { createAdapter as createPostgresAdapter } from "@socket.io/postgres-adapter";
import type { createAdapter as createRedisAdapter } from "@socket.io/redis-adapter";
import type { createClient } from "redis";
import type { Server } from "socket.io";
import { z } from "zod";
import { AGENT_NAMESPACE, PeerGoneError } from "@stratavore/contracts";
import type { ApiDeps } from "../deps.ts";

/** How server instances reach each other: alone, through PostgreSQL (LISTEN/NOTIFY), or through Redis pub/sub. */
export type ClusterMode = "single" | "postgres" | "redis";

export interface ClusterTransport {
  mode: Exclude<ClusterMode, "single">;
  /** Socket.IO's adapter factory for the server's `adapter` option. */
  adapter: ReturnType<typeof createPostgresAdapter> | ReturnType<typeof createRedisAdapter>;
  /** The Redis connection, for shared rate limits (redis mode only). */
  redis: ReturnType<typeof createClient> | null;
  close(): Promise<void>;
}

/** Peers are judged gone this long after their last adapter heartbeat (a command waits at most this for a dead one). */
const ADAPTER_HEARTBEAT = { heartbeatInterval: 2_000, heartbeatTimeout: 6_000 };

export async function openClusterTransport(
  mode: Exclude<ClusterMode, "single">,
  urls: { databaseUrl: string; redisUrl: string | null },
  log: ApiDeps["log"],
): Promise<ClusterTransport> {
  const onError = (err: unknown) => log("warn", "cluster transport error", { mode, error: String(err) });
  if (mode === "redis") {
    if (!urls.redisUrl) throw new Error("cluster mode redis needs REDIS_URL");
    // Redis's client and adapter load only in a Redis cluster, not in every server.
    const [{ createClient }, { createAdapter: createRedisAdapter }] = await Promise.all([
      import("redis"),
      import("@socket.io/redis-adapter"),
    ]);
    const pub = createClient({ url: urls.redisUrl });
    const sub = pub.duplicate();
    pub.on("error", onError);
    sub.on("error", onError);
    await Promise.all([pub.connect(), sub.connect()]);
    return {
      mode,
      adapter: createRedisAdapter(pub, sub, { requestsTimeout: 5_000 }),
      redis: pub,
      close: async () => {
        await Promise.allSettled([pub.quit(), sub.quit()]);
      },
    };
  }
  // Its own pool of two: one connection LISTENs for the process's life and every NOTIFY goes
  // out on the other, one after another, so peers receive messages in the order they were
  // sent (with more, keystrokes for an agent held by another instance overtook each other).
  const pool = new pg.Pool({
    connectionString: urls.databaseUrl,
    max: 2,
    // A publish that cannot get a connection fails (and is logged) instead of waiting forever.
    connectionTimeoutMillis: 10_000,
    application_name: "stratavore-socket-adapter",
  });
  // pg-pool drops its own error listener from checked-out clients (the LISTEN one stays out):
  // without ours, PostgreSQL going away would crash the process with an unhandled 'error'.
  pool.on("connect", (client) => {
    client.on("error", onError);
    handNotificationsOnInOrder(client, onError);
    // The LISTEN connection is never given back; when it dies its slot must be freed (pg-pool
    // removes only idle clients that end), or the adapter's reconnect would take the publishing
    // connection and every NOTIFY after it would wait forever.
    client.on("end", () => {
      const held = client as unknown as { release?: (destroy: boolean) => void };
      try {
        held.release?.(true);
      } catch {
        // Released already (idle, or the adapter closed): nothing to free.
      }
    });
  });
  pool.on("error", onError);
  return {
    mode,
    adapter: publishingInOrder(createPostgresAdapter(pool, { ...ADAPTER_HEARTBEAT, errorHandler: onError }), onError),
    redis: null,
    close: () => pool.end().catch(() => undefined),
  };
}

/** The room of a node's agent socket in the agent namespace (one socket, on one instance). */
export const agentRoom = (nodeId: string) => `agent:${nodeId}`;

type Chunk = { seq: number; data: string };
const scrollbackAnswer = z.array(z.array(z.object({ seq: z.number(), data: z.string() })));
const idArg = z.uuid();

/**
 * What instances say to each other through the adapter: commands for an agent held elsewhere
 * (its room), "this runner moved or ended" (drop its cached node, and its screen once ended), "this user's
 * access changed" (re-check their sockets here too), and "who has this runner's screen?".
 */
export function joinCluster(io: Server, deps: ApiDeps): { scrollbackFromPeers(runnerId: string): Promise<Chunk[]> } {
  const agents = io.of(AGENT_NAMESPACE);
  deps.fleet.agents.reachRemoteThrough({
    async request(nodeId, event, payload, timeoutMs) {
      const answers: unknown[] = await agents.to(agentRoom(nodeId)).timeout(timeoutMs).emitWithAck(event, payload);
      if (answers.length === 0) throw new PeerGoneError("no instance holds the agent");
      return answers[0];
    },
    emit(nodeId, event, payload) {
      agents.to(agentRoom(nodeId)).emit(event, payload);
    },
    disconnect(nodeId) {
      agents.in(agentRoom(nodeId)).disconnectSockets(true);
    },
  });

  deps.fleet.onRunnerChanged = (runnerId, change, nodeId) =>
    io.serverSideEmit("runner:changed", runnerId, change, nodeId ?? null);
  io.on("runner:changed", (rawId: unknown, rawChange: unknown, rawNode: unknown) => {
    const id = idArg.safeParse(rawId);
    if (!id.success) return;
    // The screen stays only where the runner's agent now is: a launch through another instance
    // must not wipe it there, and an instance its agent left must not serve a stale one.
    const node = idArg.safeParse(rawNode);
    const keepScreen = rawChange !== "ended" && node.success && deps.fleet.agents.isLocal(node.data);
    deps.fleet.forgetLocally(id.data, keepScreen ? "moved" : "ended");
  });

  // A change heard from a peer is acted on here, not told again.
  let fromPeer = false;
  deps.access.onChange((userId) => {
    if (!fromPeer) io.serverSideEmit("access:changed", userId);
  });
  io.on("access:changed", (raw: unknown) => {
    const id = idArg.safeParse(raw);
    if (!id.success) return;
    fromPeer = true;
    try {
      deps.access.changed(id.data);
    } finally {
      fromPeer = false;
    }
  });

  io.on("scrollback:get", (raw: unknown, ack: unknown) => {
    const id = idArg.safeParse(raw);
    if (typeof ack === "function") ack(id.success ? deps.fleet.scrollback.since(id.data) : []);
  });

  const peers = {
    /** The longest screen any peer holds for the runner (its agent's instance has it); none after 5 s. */
    scrollbackFromPeers: (runnerId: string): Promise<Chunk[]> =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          deps.log("warn", "no instance answered with a runner's screen in time", { runnerId });
          resolve([]);
        }, 5_000);
        io.serverSideEmit("scrollback:get", runnerId, (_err: unknown, answers: unknown) => {
          clearTimeout(timer);
          // A peer that died meanwhile leaves a timeout error; the others' answers still count.
          const parsed = scrollbackAnswer.safeParse(answers ?? []);
          const screens = parsed.success ? parsed.data : [];
          resolve(screens.reduce((best, s) => (s.length > best.length ? s : best), [] as Chunk[]));
        });
      }),
  };
  // Reads of a screen outside the socket (runners.scrollback: the CLI's logs, REST) ask peers too.
  deps.fleet.peerScrollback = peers.scrollbackFromPeers;
  return peers;
}

/*
 * @socket.io/postgres-adapter 0.5 sends a message past NOTIFY's 8,000 bytes (and any binary one)
 * as an attachment: an INSERT, then a NOTIFY naming the row, which the receiver answers with a
 * SELECT before handing the message on. Neither side waits for one message before the next, so a
 * keystroke typed after a paste overtook it twice: its NOTIFY went out while the paste's INSERT
 * ran, and the receiver handed it on while the paste's SELECT ran. Both sides are made sequential
 * (a message waits for the one before it), which costs nothing with one publishing connection.
 */

/** The receiving side: each notification is handled once the previous one is done. */
function handNotificationsOnInOrder(client: pg.PoolClient, onError: (err: unknown) => void): void {
  const on = client.on.bind(client) as (event: string, listener: (...args: unknown[]) => unknown) => unknown;
  let previous: Promise<unknown> = Promise.resolve();
  (client as unknown as { on: typeof on }).on = (event, listener) =>
    event === "notification"
      ? on(event, (msg: unknown) => {
          previous = previous.then(() => listener(msg)).catch(onError);
        })
      : on(event, listener);
}

type AdapterFactory = ReturnType<typeof createPostgresAdapter>;
interface PublishingClient {
  publish(message: unknown): Promise<void>;
}

/**
 * The publishing side: one publish (INSERT and NOTIFY) at a time, in the order asked. A failed
 * publish is reported and the next goes ahead (the adapter lets an attachment's INSERT reject:
 * chained as it fails, it would silence every later message).
 */
function publishingInOrder(factory: AdapterFactory, onError: (err: unknown) => void): AdapterFactory {
  const ordered = new WeakSet<PublishingClient>();
  // A function, not an arrow: Socket.IO calls the adapter factory with `new`.
  return function orderedAdapter(nsp) {
    const adapter = factory(nsp);
    // Every namespace's adapter shares the factory's one client.
    const client = (adapter as unknown as { client: PublishingClient }).client;
    if (!ordered.has(client)) {
      ordered.add(client);
      const publish = client.publish.bind(client);
      let previous: Promise<void> = Promise.resolve();
      client.publish = (message) => (previous = previous.then(() => publish(message)).catch(onError));
    }
    return adapter;
  };
}
