import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createCaller, hashPassword, type FleetConfig } from "@stratavore/api";
import type { Runner } from "@stratavore/contracts";
import { createDb, insertUser, type Db } from "@stratavore/db";
import { uniqueEmail } from "@stratavore/db/testing";
import { waitFor as pollUntil } from "@stratavore/runner/testing";
import { readEnv } from "../env.ts";
import { hostPath } from "./env.ts";
import { startServer, type RunningServer } from "../server.ts";

const repoRoot = resolve(import.meta.dirname, "../../../..");
export const FAKE_CLAUDE = join(repoRoot, "libs/runner/src/testing/fake-claude.mjs");

export interface AgentProcess {
  name: string;
  child: ChildProcess;
  home: string;
  log: string[];
  exited: Promise<number | null>;
}

/** The shared polling helper, with a fleet's patience: 15 s, a database read every 100 ms. */
export const waitFor = <T>(
  what: string,
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> => pollUntil(what, check, timeoutMs, everyMs);

export interface AgentSpawnOptions {
  capacity?: number;
  labels?: string[];
  env?: Record<string, string>;
  home?: string;
  dataDir?: string;
  claudeBin?: string;
  cgroups?: "auto" | "v1" | "v2" | "off";
  /** Tests beat every second and ship usage every 0.2 s; a bench may want the defaults (10 s, 2 s). */
  heartbeatSeconds?: number;
  usageSeconds?: number;
}

/** `apps/agent` as its own process, joining `serverUrl` with a join token; running the fake claude unless told otherwise. */
export async function spawnAgent(
  serverUrl: string,
  joinSecret: string,
  name: string,
  opts: AgentSpawnOptions & { home: string; dataDir: string },
): Promise<AgentProcess> {
  await mkdir(opts.home, { recursive: true });
  const args = [
    "--import",
    "tsx",
    join(repoRoot, "apps/agent/src/main.ts"),
    "--server",
    serverUrl,
    "--data-dir",
    opts.dataDir,
    "--name",
    name,
    "--claude-bin",
    opts.claudeBin ?? FAKE_CLAUDE,
    "--capacity",
    String(opts.capacity ?? 10),
    "--heartbeat-seconds",
    String(opts.heartbeatSeconds ?? 1),
    "--usage-seconds",
    String(opts.usageSeconds ?? 0.2),
  ];
  if (opts.labels?.length) args.push("--labels", opts.labels.join(","));
  // claude sees only an allow-listed environment; the fake's switches must be passed on by name.
  const fakeSwitches = Object.keys(opts.env ?? {}).filter((k) => k.startsWith("FAKE_CLAUDE_"));
  if (fakeSwitches.length) args.push("--pass-env", fakeSwitches.join(","));
  if (opts.cgroups) args.push("--cgroups", opts.cgroups);
  // The join token goes in the environment, as `join-token create` tells users (never argv: `ps`).
  const env = {
    PATH: hostPath(),
    HOME: opts.home,
    STRATAVORE_JOIN_TOKEN: joinSecret,
    ...opts.env,
  } as unknown as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ["ignore", "ignore", "pipe"] });
  const log: string[] = [];
  child.stderr!.on("data", (d: Buffer) => log.push(d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { name, child, home: opts.home, log, exited };
}

/**
 * A real server (short heartbeat TTL) on the shared test database plus real agent processes
 * running the fake claude in real PTYs. API calls go through createCaller on the server's
 * own deps, so they see exactly the agents the server sees.
 */
export class FleetHarness {
  readonly agents: AgentProcess[] = [];
  private constructor(
    readonly server: RunningServer,
    readonly db: Db,
    readonly tmp: string,
    readonly api: ReturnType<typeof createCaller>,
  ) {}

  /** Polls runner `id` until it has `status` (or passes the test); returns that row. */
  runnerWhen(
    id: string,
    what: string,
    ready: Runner["status"] | ((r: Runner) => boolean),
    timeoutMs = 15_000,
    everyMs = 100,
  ): Promise<Runner> {
    const passes = typeof ready === "string" ? (r: Runner) => r.status === ready : ready;
    return waitFor(
      what,
      async () => {
        const cur = await this.api.runners.get({ id });
        return passes(cur) ? cur : null;
      },
      timeoutMs,
      everyMs,
    );
  }

  static async start(
    databaseUrl: string,
    fleet: Partial<FleetConfig> = {},
    extraEnv: Record<string, string> = {},
    /** Sees every server log line (benches count errors during a burst). */
    onLog?: (level: string, msg: string, meta?: Record<string, unknown>) => void,
  ): Promise<FleetHarness> {
    const tmp = await mkdtemp(join(tmpdir(), "stratavore-fleet-"));
    const env = readEnv([], {
      DATABASE_URL: databaseUrl,
      PORT: "0",
      STRATAVORE_DATA_DIR: join(tmp, "data"),
      STRATAVORE_SECRET: randomBytes(32).toString("base64url"),
      STRATAVORE_ADMIN_EMAIL: uniqueEmail("fleet-first"),
      STRATAVORE_ADMIN_PASSWORD: "fleet-admin-password",
      ...extraEnv,
    });
    // Server errors are printed: a failing fleet test is unreadable without them.
    const log = (level: string, msg: string, meta?: Record<string, unknown>) => {
      onLog?.(level, msg, meta);
      if (level === "error") console.error(msg, meta);
    };
    const server = await startServer(env, log, {
      web: false,
      fleet: {
        heartbeatTtlMs: 5000,
        reconcileIntervalMs: 300,
        restartBaseMs: 200,
        agentAckTimeoutMs: 8000,
        agentReconnectMaxMs: 1000,
        lostTimeoutMs: 3000,
        restartWaitMs: 60_000,
        // Runs in tests last seconds: a crash loop's (200 ms) stay well short of this.
        restartStableMs: 3_000,
        ...fleet,
      },
    });
    const db = createDb({ connectionString: databaseUrl, poolMax: 3 });
    const user = await insertUser(db, {
      email: uniqueEmail("fleet-admin"),
      name: "Fleet admin",
      role: "admin",
      passwordHash: await hashPassword("fleet-admin-password"),
    });
    const api = createCaller({
      ...server.deps,
      principal: { user, via: "session", scopes: ["read", "write"] },
      ip: "127.0.0.1",
    });
    return new FleetHarness(server, db, tmp, api);
  }

  /** Starts `apps/agent` as its own process with the fake claude; resolves once its node is online. */
  async startAgent(name: string, opts: AgentSpawnOptions = {}): Promise<AgentProcess> {
    const { secret } = await this.api.joinTokens.create({ ttlMinutes: 10 });
    const agent = await spawnAgent(this.server.url, secret, name, {
      home: join(this.tmp, `home-${name}`),
      dataDir: join(this.tmp, `agent-${name}`),
      ...opts,
    });
    this.agents.push(agent);
    await waitFor(
      `node ${name} online`,
      async () => (await this.api.nodes.list()).find((n) => n.name === name && n.status === "online" && n.connected),
      60_000,
    );
    return agent;
  }

  async stop(): Promise<void> {
    for (const a of this.agents) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill("SIGKILL");
    await this.server.close();
    await this.db.$disconnect();
    // Processes that were just killed may still be flushing files into it.
    await rm(this.tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}
