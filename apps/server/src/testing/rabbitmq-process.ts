import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import amqp from "amqplib";
import { freePortForTests } from "@stratavore/db/testing";
import { waitFor } from "@stratavore/runner/testing";
import { hostPath } from "./env.ts";

const SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";

/** Whether Debian's rabbitmq-server is installed (`node scripts/bootstrap.mjs --test` installs it). */
export const rabbitInstalled = (): boolean => existsSync(SERVER);

/**
 * A real RabbitMQ broker (Debian's rabbitmq-server 3.10) of the test's own: its own node name,
 * ports, data and Erlang port mapper, started as the current user without the init wrapper.
 * `restart` stops it and starts it again on the same data (durable queues and persistent
 * messages survive), or in two steps, `down` then `up`, for a test that acts while it is away;
 * `stop` ends it for good.
 */
export async function startRabbit(dir: string) {
  const port = await freePortForTests();
  const nodeName = `stv${port}@localhost`;
  const env: Record<string, string> = {
    PATH: hostPath(),
    HOME: dir,
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(await freePortForTests()),
    ERL_EPMD_PORT: String(await freePortForTests()),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq"),
    RABBITMQ_PID_FILE: join(dir, "rabbit.pid"),
  };
  // Only these variables: the broker sees nothing of the test runner's environment.
  const childEnv = env as unknown as NodeJS.ProcessEnv;
  await mkdir(join(dir, "mnesia"), { recursive: true });
  await mkdir(join(dir, "log"), { recursive: true });
  await writeFile(join(dir, "enabled_plugins"), "[].\n");
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  const up = async () => {
    child = spawn(SERVER, [], { env: childEnv, stdio: "ignore", detached: true });
    await waitFor(
      "RabbitMQ to accept connections",
      async () => {
        const conn = await amqp.connect(url).catch(() => null);
        await conn?.close();
        return !!conn;
      },
      60_000,
      200,
    );
  };
  const down = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    // The whole process group: the wrapper script, beam and its helpers.
    process.kill(-c.pid!, "SIGTERM");
    await exited;
    await waitFor(
      "RabbitMQ's port to close",
      async () =>
        !(await amqp
          .connect(url)
          .then((c2) => (void c2.close(), true))
          .catch(() => false)),
      30_000,
      100,
    );
  };
  await up();
  return {
    url,
    /** Client connections the broker holds now (rabbitmqctl list_connections). */
    connections: async (): Promise<number> => {
      const { stdout } = await promisify(execFile)(
        "/usr/lib/rabbitmq/bin/rabbitmqctl",
        ["-n", nodeName, "list_connections", "-q", "--no-table-headers", "pid"],
        { env: childEnv },
      );
      return stdout.split("\n").filter((l) => l.trim()).length;
    },
    restart: async () => {
      await down();
      await up();
    },
    down,
    up,
    stop: async () => {
      await down();
      // The port mapper the broker started is ours alone (own port): end it too.
      spawn("epmd", ["-kill"], { env: childEnv, stdio: "ignore" });
    },
  };
}
