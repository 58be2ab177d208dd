/**
 * `npm run test:containers`: the container images built and run on this machine (issue 15).
 * Makes the node:20-bookworm-slim base image locally when podman lacks it (no registry is
 * reachable; the rootfs is cached), builds docker/Dockerfile and docker/agent.Dockerfile, runs
 * the server image against a PostgreSQL started for this run, and checks /healthz, the image's
 * HEALTHCHECK, a dashboard login, the CLI inside the image, and an agent container joining.
 * Prints each step's duration and ends with `N passed, N failed`. Needs root (apt, debootstrap,
 * rootful podman). Built images stay tagged as a build cache (older ones are pruned); containers
 * are removed; build and container logs are kept in test-results/containers/.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePortForTests, startTestPostgres, type TestPostgres } from "@stratavore/db/testing";
import { BASE_IMAGE, ensureBaseImage } from "./containers/base-image.ts";
import { execIn, removeContainer, startContainer } from "./containers/containers.ts";
import { ensureHostTools } from "./containers/host-tools.ts";
import { buildImage, lockedVersion, pruneSuperseded } from "./containers/images.ts";
import { podman } from "./containers/podman.ts";
import { signInAndMintToken, waitForNodeOnline, waitHealthy } from "./containers/server-probes.ts";
import { Steps } from "./containers/steps.ts";

const root = join(import.meta.dirname, "..");
const cacheDir = process.env.STRATAVORE_CACHE_DIR ?? "/var/cache/stratavore";
const logDir = join(root, "test-results/containers");
const SERVER_IMAGE = "localhost/stratavore/server:test";
const DEPS_IMAGE = "localhost/stratavore/build-deps:test";
const AGENT_IMAGE = "localhost/stratavore/agent:test";
const ADMIN_EMAIL = "admin@containers.test";
const say = (line: string) => process.stdout.write(`${line}\n`);

const run = randomBytes(3).toString("hex");
const names = { server: `stratavore-ct-server-${run}`, agent: `stratavore-ct-agent-${run}` };
const nodeName = `ct-node-${run}`;
const tmp = mkdtempSync(join(tmpdir(), "stratavore-ct-"));
/** Containers this run started, by role: removed at the end, their logs kept as <role>.log. */
const started = new Map<string, string>();
let pg: TestPostgres | undefined;

/** Secret files the containers read through *_FILE variables, as compose and Kubernetes mount them. */
function secretDir(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  // The containers run as uid 1000; the files are throwaway test values.
  chmodSync(dir, 0o755);
  for (const [file, value] of Object.entries(files)) writeFileSync(join(dir, file), `${value}\n`, { mode: 0o444 });
  return dir;
}

const steps = new Steps(13, say);
rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });
// Ctrl-C (or CI's timeout) must not leave containers or PostgreSQL behind either.
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => void cleanUp().finally(() => process.exit(1)));
await main().catch((err: unknown) =>
  say(`✗ the test itself failed: ${err instanceof Error ? err.stack : String(err)}`),
);
await cleanUp();
say(steps.summary());
process.exit(steps.ok ? 0 : 1);

async function cleanUp(): Promise<void> {
  // The agent goes first, so it is not left retrying a server that is gone.
  const containers = [...started].reverse();
  started.clear();
  for (const [role, name] of containers) await removeContainer(name, join(logDir, `${role}.log`));
  const database = pg;
  pg = undefined;
  await database?.stop().catch((err: unknown) => say(`(stopping PostgreSQL failed: ${String(err)})`));
  await pruneSuperseded().catch((err: unknown) => say(`(pruning superseded images failed: ${String(err)})`));
  rmSync(tmp, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const tools = await steps.run("host tools: podman, runc, debootstrap", async () => {
    ensureHostTools(say);
    return true;
  });
  if (!tools) return;
  const base = await steps.run(
    `base image ${BASE_IMAGE}`,
    () => ensureBaseImage(cacheDir, say),
    (how) => how,
  );
  if (base === undefined) return;

  // Builds trust what this machine trusts: npm may be reached through a TLS-intercepting proxy.
  const caBundle = process.env.NODE_EXTRA_CA_CERTS;
  const common = { root, caBundle: caBundle && existsSync(caBundle) ? caBundle : undefined };
  const server = await steps.run(
    "build docker/Dockerfile (server + CLI)",
    () =>
      buildImage({
        ...common,
        dockerfile: "docker/Dockerfile",
        tag: SERVER_IMAGE,
        logFile: join(logDir, "build.log"),
        keepStage: { target: "deps", tag: DEPS_IMAGE },
      }),
    (size) => size,
  );
  const agent = await steps.run(
    "build docker/agent.Dockerfile (node agent + Claude Code)",
    () =>
      buildImage({
        ...common,
        dockerfile: "docker/agent.Dockerfile",
        tag: AGENT_IMAGE,
        logFile: join(logDir, "build-agent.log"),
        buildArgs: { CLAUDE_CODE_VERSION: lockedVersion(root, "@anthropic-ai/claude-code") },
      }),
    (size) => size,
  );
  if (server === undefined) return;

  // Migrations are left to the server: it applies them on start, as it does in production.
  const database = await steps.run("PostgreSQL for this run (embedded, on the host)", () =>
    startTestPostgres(null, "stratavore"),
  );
  if (!database) return;
  pg = database;
  const port = await freePortForTests();
  const url = `http://127.0.0.1:${port}`;
  const adminPassword = randomBytes(12).toString("hex");
  const healthy = await steps.run(
    "server container starts, migrates, and answers /healthz and /readyz",
    async () => {
      started.set("server", names.server);
      await startContainer({
        name: names.server,
        image: SERVER_IMAGE,
        env: {
          PORT: String(port),
          DATABASE_URL_FILE: "/run/secrets/database-url",
          STRATAVORE_SECRET_FILE: "/run/secrets/secret",
          STRATAVORE_ADMIN_PASSWORD_FILE: "/run/secrets/admin-password",
          STRATAVORE_ADMIN_EMAIL: ADMIN_EMAIL,
        },
        secrets: {
          [secretDir("server-secrets", {
            "database-url": database.url,
            secret: randomBytes(48).toString("base64url"),
            "admin-password": adminPassword,
          })]: "/run/secrets",
        },
      });
      return waitHealthy(url, names.server);
    },
    (health) => `/healthz ${health}`,
  );
  if (healthy === undefined) return;

  await steps.run("the image's HEALTHCHECK passes (podman healthcheck run)", async () => {
    const res = await podman(["healthcheck", "run", names.server]);
    if (res.code !== 0) throw new Error(`exit ${res.code}: ${res.stdout}${res.stderr}`.trim());
  });
  await steps.run(
    "the server runs as a non-root user",
    async () => {
      const uid = (await execIn(names.server, {}, ["id", "-u"])).trim();
      if (uid === "0") throw new Error("it runs as root");
      return uid;
    },
    (uid) => `uid ${uid}`,
  );

  const token = await steps.run(
    "login: next-auth credentials sign-in as the admin from STRATAVORE_ADMIN_PASSWORD_FILE",
    () => signInAndMintToken(url, ADMIN_EMAIL, adminPassword),
    () => "session cookie issued; an API token minted with it",
  );

  const cli = { STRATAVORE_SERVER: url, STRATAVORE_TOKEN: token ?? "" };
  const joinSecret = await steps.run(
    "CLI inside the image: stratavore whoami, join-token create",
    async () => {
      if (!token) throw new Error("no API token (the login step failed)");
      const me = JSON.parse(await execIn(names.server, cli, ["stratavore", "whoami", "--json"])) as { email: string };
      if (me.email !== ADMIN_EMAIL) throw new Error(`whoami says ${me.email}`);
      const created = await execIn(names.server, cli, ["stratavore", "join-token", "create", "--json"]);
      return (JSON.parse(created) as { secret: string }).secret;
    },
    () => `whoami → ${ADMIN_EMAIL}`,
  );

  if (agent === undefined || joinSecret === undefined) return;
  await steps.run(
    "agent container joins with STRATAVORE_JOIN_TOKEN_FILE and is listed online",
    async () => {
      started.set("agent", names.agent);
      await startContainer({
        name: names.agent,
        image: AGENT_IMAGE,
        env: { STRATAVORE_SERVER: url, STRATAVORE_JOIN_TOKEN_FILE: "/run/secrets/join-token" },
        secrets: { [secretDir("agent-secrets", { "join-token": joinSecret })]: "/run/secrets" },
        args: ["--name", nodeName],
      });
      return waitForNodeOnline({ serverContainer: names.server, agentContainer: names.agent, cli }, nodeName);
    },
    (node) => `${node.name} online, claude ${node.claudeVersion}`,
  );

  await steps.run(
    "placement by folder: the agent container answers for its own filesystem, and a launch goes nowhere without it",
    async () => {
      const project = async (name: string, path: string) =>
        execIn(names.server, cli, ["stratavore", "projects", "create", name, "--path", path, "--json"]);
      const folderOn = async (name: string) => {
        const out = await execIn(names.server, cli, ["stratavore", "projects", "folder", name, "--json"]);
        return (JSON.parse(out) as { nodes: { name: string; present: boolean | null }[] }).nodes.find(
          (n) => n.name === nodeName,
        )?.present;
      };
      // /usr/lib is in every image; this run's temporary folder is on the host only.
      await project("in-the-image", "/usr/lib");
      await project("on-the-host-only", tmp);
      const [inImage, hostOnly] = [await folderOn("in-the-image"), await folderOn("on-the-host-only")];
      if (inImage !== true || hostOnly !== false)
        throw new Error(`the node said /usr/lib: ${inImage}, ${tmp}: ${hostOnly} (expected true, false)`);
      const refused = await execIn(names.server, cli, ["stratavore", "launch", "on-the-host-only"]).then(
        () => null,
        (err: unknown) => String(err),
      );
      if (!refused?.includes("PATH_MISSING")) throw new Error(`the launch was not refused PATH_MISSING: ${refused}`);
      return `${nodeName}: /usr/lib present, ${tmp} missing; the launch refused PATH_MISSING`;
    },
    (what) => what,
  );

  await steps.run("the server stops cleanly on SIGTERM (podman stop)", async () => {
    await podman(["stop", "--time", "20", names.server]);
    const code = (await podman(["inspect", "--format", "{{.State.ExitCode}}", names.server])).stdout.trim();
    if (code !== "0") throw new Error(`exit code ${code}`);
  });
}
