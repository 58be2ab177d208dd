/**
 * Two server instances (dashboard included) on one fresh database behind a real HAProxy, with
 * two real agents connected through it: the cluster the failover spec drives. Started by that
 * spec as a child; prints one READY line (addresses, pids, logins), stops on SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "@stratavore/db";
import { createScratchDatabase, freePortForTests } from "@stratavore/db/testing";
import { FilesystemStore } from "@stratavore/api";
import { localAdminCaller, spawnAgent, startHaproxy, waitFor, type AgentProcess } from "@stratavore/server/testing";
import { buildCli } from "../../scripts/build-cli.ts";
import { hostPath, stack } from "./env.ts";

const root = join(import.meta.dirname, "../..");
const e2eDatabase = stack().databaseUrl;
const tmp = await mkdtemp(join(tmpdir(), "stratavore-cluster-"));
const children: ChildProcess[] = [];
const agents: AgentProcess[] = [];
let haproxy: Awaited<ReturnType<typeof startHaproxy>> | null = null;

const stop = async () => {
  for (const a of agents) a.child.kill("SIGTERM");
  await Promise.all(agents.map((a) => a.exited));
  // Instance 1 may be dead already (the spec kills it): wait only for those still running.
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const c of running) c.kill("SIGTERM");
  await Promise.all(running.map((c) => new Promise((r) => c.once("exit", r))));
  await haproxy?.stop();
  await rm(tmp, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

const databaseUrl = await createScratchDatabase(e2eDatabase.replace(/\/[^/?]+(\?.*)?$/, "/postgres"), "cluster");
const secret = randomBytes(32).toString("base64url");
const adminEmail = "cluster-admin@example.com";
const adminPassword = "cluster-admin-password";
const ports = [await freePortForTests(), await freePortForTests()] as const;
const balancer = await startHaproxy(tmp, [
  { name: "s1", port: ports[0] },
  { name: "s2", port: ports[1] },
]);
haproxy = balancer;

/** One instance: `apps/server`'s process with the dashboard, in cluster mode over PostgreSQL. */
async function instance(i: 1 | 2): Promise<{ name: string; url: string; pid: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "apps/server/src/testing/server-process.ts")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      PATH: hostPath(),
      HOME: join(tmp, `home-s${i}`),
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl,
      HOST: "127.0.0.1",
      PORT: String(ports[i - 1]),
      STRATAVORE_PUBLIC_URL: balancer.url,
      STRATAVORE_CLUSTER: "postgres",
      STRATAVORE_SECRET: secret,
      STRATAVORE_DATA_DIR: join(tmp, `data-s${i}`),
      STRATAVORE_ADMIN_EMAIL: adminEmail,
      STRATAVORE_ADMIN_PASSWORD: adminPassword,
      STRATAVORE_LOG_LEVEL: "warn",
      STRATAVORE_TEST_WEB: "true",
      CLAUDE_CONFIG_DIR: join(tmp, `claude-s${i}`),
      // Nodes silent 5 s are offline; a lost runner waits a minute (its agent reconnects long before).
      STRATAVORE_TEST_FLEET: JSON.stringify({
        heartbeatTtlMs: 5000,
        reconcileIntervalMs: 500,
        agentReconnectMaxMs: 3000,
        lostTimeoutMs: 60_000,
      }),
    } as unknown as NodeJS.ProcessEnv,
  });
  children.push(child);
  await new Promise<void>((ok, fail) => {
    child.stdout?.on("data", (d: Buffer) => d.toString().includes("listening") && ok());
    child.once("exit", (code) => fail(new Error(`instance s${i} exited ${code}`)));
  });
  return { name: `s${i}`, url: `http://127.0.0.1:${ports[i - 1]}`, pid: child.pid ?? 0 };
}

const instances = [await instance(1), await instance(2)];
const db = createDb({ connectionString: databaseUrl, poolMax: 2 });
const api = await localAdminCaller(db, secret, new FilesystemStore(join(tmp, "unused")), "cluster");
const { secret: token } = await api.apiTokens.create({ name: "cluster-cli", scopes: ["read", "write"] });
const workdir = join(tmp, "checkout");
await mkdir(workdir, { recursive: true });

// Both agents dial the balancer (leastconn). Where each lands depends on when the join
// connection closes; the spec needs one on each instance, so the second dials again until so.
async function startAgentVia(name: string, joinSecret: string): Promise<AgentProcess> {
  const agent = await spawnAgent(balancer.url, joinSecret, name, {
    home: join(tmp, `home-${name}`),
    dataDir: join(tmp, `agent-${name}`),
    env: { FAKE_CLAUDE_USAGE_EVERY_MS: "300" },
  });
  agents.push(agent);
  await waitFor(
    `${name} connected`,
    async () =>
      (await db.node.findFirst({ where: { name, status: "online", agentInstanceId: { not: null } } })) !== null,
    30_000,
  );
  return agent;
}
const holders = async () =>
  new Set((await db.node.findMany({ select: { agentInstanceId: true } })).map((n) => n.agentInstanceId));
for (const name of ["node-a", "node-b"])
  await startAgentVia(name, (await api.joinTokens.create({ ttlMinutes: 10 })).secret);
for (let attempt = 0; attempt < 5 && (await holders()).size < 2; attempt++) {
  const second = agents.pop();
  second?.child.kill("SIGTERM");
  await second?.exited;
  await db.node.updateMany({ where: { name: "node-b" }, data: { status: "offline" } });
  // Its credential is in its data directory: no join token needed the second time.
  await startAgentVia("node-b", "");
}
await db.$disconnect();

process.stdout.write(
  `READY ${JSON.stringify({
    url: balancer.url,
    instances,
    databaseUrl,
    adminEmail,
    adminPassword,
    token,
    workdir,
    // Inside the checkout: the bundle loads node-pty from its node_modules.
    cli: await buildCli(),
    agentHomes: Object.fromEntries(agents.map((a) => [a.name, a.home])),
  })}\n`,
);
// If the spec dies without its teardown, do not outlive it.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop();
}, 1000).unref();
