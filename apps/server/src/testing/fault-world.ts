import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { FilesystemStore } from "@stratavore/api";
import { createApiClient, type ApiClient } from "@stratavore/api-client";
import { createDb, type Db } from "@stratavore/db";
import { freePortForTests, uniqueEmail, uniqueSlug } from "@stratavore/db/testing";
import { snapshotDescendants, transcriptPath } from "@stratavore/runner";
import { hostPath } from "./env.ts";
import { localAdminCaller } from "./local-caller.ts";
import { spawnAgent, waitFor, type AgentProcess } from "./fleet-harness.ts";
import { FaultProxy } from "./tcp-proxy.ts";
import { countTranscripts, type TranscriptCount } from "./transcript-count.ts";

const FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

export interface WorldAgent {
  name: string;
  process: AgentProcess;
  home: string;
  dataDir: string;
  proxy: FaultProxy | null;
  /** libfaketime's offset file for this agent ("+0", "+3600s"), when its clock can be moved. */
  clockFile: string | null;
}

export interface Load {
  projectId: string;
  cwd: string;
  agent: WorldAgent;
  runners: { id: string; pid: number; sessionId: string }[];
}

/**
 * A whole installation to break: the server as its own process with its embedded PostgreSQL
 * (so either can be killed), agents as their own processes running the fake claude — one of
 * them optionally behind a TCP proxy, on a small tmpfs, with a clock that can be moved — and an
 * admin's API client that survives server restarts.
 */
export class FaultWorld {
  server: ChildProcess | null = null;
  readonly agents = new Map<string, WorldAgent>();
  db!: Db;
  api!: ApiClient;
  private local!: Awaited<ReturnType<typeof localAdminCaller>>;
  private readonly mounts: string[] = [];

  private constructor(
    readonly tmp: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  static async start(): Promise<FaultWorld> {
    const tmp = await mkdtemp(join(tmpdir(), "stratavore-faults-"));
    const port = await freePortForTests();
    const secret = randomBytes(32).toString("base64url");
    const world = new FaultWorld(tmp, port, {
      PATH: hostPath(),
      HOME: tmp,
      PORT: String(port),
      STRATAVORE_SECRET: secret,
      STRATAVORE_DATA_DIR: join(tmp, "data"),
      STRATAVORE_PG_PORT: String(await freePortForTests()),
      STRATAVORE_LOCAL_AGENT: "false",
      STRATAVORE_ADMIN_EMAIL: uniqueEmail("faults-first"),
      STRATAVORE_ADMIN_PASSWORD: "faults-admin-password",
      // Lost runners are never failed during a scenario: a fault may not cost a runner its life.
      STRATAVORE_TEST_FLEET: JSON.stringify({
        heartbeatTtlMs: 5000,
        reconcileIntervalMs: 300,
        agentReconnectMaxMs: 2000,
        lostTimeoutMs: 10 * 60_000,
      }),
    });
    await world.startServer();
    const password = (await readFile(join(tmp, "data", "postgres-password"), "utf8")).trim();
    world.db = createDb({
      connectionString: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${world.env.STRATAVORE_PG_PORT}/stratavore`,
      poolMax: 2,
    });
    world.local = await localAdminCaller(world.db, secret, new FilesystemStore(join(tmp, "unused")), "faults");
    const { secret: token } = await world.local.apiTokens.create({ name: "faults", scopes: ["read", "write"] });
    world.api = createApiClient({ serverUrl: `http://127.0.0.1:${port}`, token });
    return world;
  }

  async startServer(): Promise<void> {
    const child = spawn(process.execPath, ["--import", "tsx", resolve(import.meta.dirname, "server-process.ts")], {
      env: this.env as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "inherit"],
    });
    this.server = child;
    await new Promise<void>((ok, fail) => {
      child.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && ok());
      child.once("exit", (code) => fail(new Error(`server exited ${code}`)));
    });
  }

  async killServer(): Promise<void> {
    const child = this.server;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  /** The embedded PostgreSQL's processes (postmaster first). */
  postgresPids(): number[] {
    const pidFile = join(this.tmp, "data", "postgres", "postmaster.pid");
    const postmaster = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    return snapshotDescendants(postmaster);
  }

  async addAgent(
    name: string,
    opts: { proxy?: boolean; tmpfsBytes?: number; movableClock?: boolean } = {},
  ): Promise<WorldAgent> {
    const home = join(this.tmp, `home-${name}`);
    const dataDir = join(this.tmp, `agent-${name}`);
    await mkdir(dataDir, { recursive: true });
    if (opts.tmpfsBytes) {
      const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${opts.tmpfsBytes}`, "tmpfs", dataDir]);
      if (mounted.status !== 0) throw new Error(`mounting a tmpfs failed (root needed): ${mounted.stderr.toString()}`);
      this.mounts.push(dataDir);
    }
    const proxy = opts.proxy ? await FaultProxy.start({ host: "127.0.0.1", port: this.port }) : null;
    const clockFile = opts.movableClock ? join(this.tmp, `clock-${name}`) : null;
    if (clockFile) await writeFile(clockFile, "+0\n");
    const agent: WorldAgent = { name, home, dataDir, proxy, clockFile, process: null as unknown as AgentProcess };
    await this.spawnAgentProcess(agent, (await this.local.joinTokens.create({ ttlMinutes: 30 })).secret);
    this.agents.set(name, agent);
    await waitFor(
      "node online",
      async () => (await this.api.nodes.list.query()).find((n) => n.name === name && n.connected),
      60_000,
      200,
    );
    return agent;
  }

  /** Starts (again) an agent's process; after the first join its stored credential is what counts. */
  async spawnAgentProcess(agent: WorldAgent, joinToken = "already-joined"): Promise<void> {
    if (agent.clockFile && !existsSync(FAKETIME)) throw new Error(`${FAKETIME} is missing (apt-get install faketime)`);
    const clock: Record<string, string> = agent.clockFile
      ? {
          LD_PRELOAD: FAKETIME,
          FAKETIME_TIMESTAMP_FILE: agent.clockFile,
          FAKETIME_NO_CACHE: "1",
          // The wall clock jumps, as an NTP step does; timers run on the monotonic one.
          FAKETIME_DONT_FAKE_MONOTONIC: "1",
        }
      : {};
    agent.process = await spawnAgent(agent.proxy?.url ?? `http://127.0.0.1:${this.port}`, joinToken, agent.name, {
      home: agent.home,
      dataDir: agent.dataDir,
      env: { FAKE_CLAUDE_USAGE_EVERY_MS: "100", ...clock },
    });
  }

  async killAgent(agent: WorldAgent): Promise<void> {
    const child = agent.process.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGKILL");
    await agent.process.exited;
  }

  /** A new project on the agent's node and `n` runners spending in it (a usage line every 100 ms each). */
  async load(agent: WorldAgent, n: number): Promise<Load> {
    const cwd = join(this.tmp, "work", uniqueSlug("w"));
    await mkdir(cwd, { recursive: true });
    // The previous fault may have left the node judged offline for a beat or two: wait it back.
    await waitFor(
      "the node online",
      async () =>
        (await this.api.nodes.list.query()).find((n) => n.name === agent.name && n.status === "online" && n.connected),
      60_000,
      200,
    );
    const project = await this.api.projects.create.mutate({ name: uniqueSlug("fault"), path: cwd });
    const runners = [];
    for (let i = 0; i < n; i++) {
      const r = await this.api.runners.launch.mutate({ project: project.name, node: agent.name });
      runners.push({ id: r.id, pid: r.pid!, sessionId: r.sessionId! });
    }
    const load = { projectId: project.id, cwd, agent, runners };
    await waitFor("the runners spending", async () => (await this.ledger(load)).messages >= 10 * n, 30_000, 200);
    return load;
  }

  /** The ledger for a load's project: rows and tokens, straight from the database. */
  async ledger(load: Load): Promise<TranscriptCount> {
    const [row] = await this.db.$queryRaw<{ n: bigint; t: bigint | null }[]>`
      SELECT count(*) AS n, sum("totalTokens") AS t FROM "UsageRecord" WHERE "projectId" = ${load.projectId}::uuid`;
    return { messages: Number(row!.n), tokens: Number(row!.t ?? 0) };
  }

  /** What the load's transcripts hold, by the independent counter. */
  transcripts(load: Load): TranscriptCount {
    const folder = dirname(transcriptPath(join(load.agent.home, ".claude"), load.cwd, load.runners[0]!.sessionId));
    return countTranscripts(folder);
  }

  /** Processes still working in the load's folder (runners, their tools): none may outlive a stop. */
  orphans(load: Load): number[] {
    const out: number[] = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cwd = readlinkSync(`/proc/${entry}/cwd`);
        if (cwd === load.cwd || cwd.startsWith(`${load.cwd}/`)) out.push(Number(entry));
      } catch {
        // gone, or not ours to read
      }
    }
    return out;
  }

  /** Fills a tmpfs-backed agent's data directory to the last byte; returns a function that frees it. */
  async fillDisk(agent: WorldAgent): Promise<() => Promise<void>> {
    const filler = join(agent.dataDir, "filler");
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      try {
        await appendFile(filler, chunk);
      } catch {
        break;
      }
    }
    // Whatever the last chunk could not take, byte by byte would be too slow; 1 KB steps close it.
    const small = Buffer.alloc(1024);
    for (;;) {
      try {
        await appendFile(filler, small);
      } catch {
        break;
      }
    }
    return () => rm(filler, { force: true });
  }

  async stop(): Promise<void> {
    for (const a of this.agents.values()) {
      await this.killAgent(a).catch(() => {});
      await a.proxy?.close();
    }
    const server = this.server;
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    }
    // A server killed last leaves its PostgreSQL running: stop it by its pid file.
    try {
      process.kill(this.postgresPids()[0]!, "SIGINT");
    } catch {
      // already stopped
    }
    await this.db?.$disconnect();
    for (const m of this.mounts) spawnSync("umount", ["-l", m]);
    await rm(this.tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}
