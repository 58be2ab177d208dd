import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freePortForTests } from "@stratavore/db/testing";
import { waitForPort } from "./wait-for-port.ts";

const HAPROXY = "/usr/sbin/haproxy";

/** Whether Debian's haproxy is installed (`node scripts/bootstrap.mjs --test` installs it). */
export const haproxyInstalled = (): boolean => existsSync(HAPROXY);

export interface Backend {
  /** Also the value of the stickiness cookie that pins a browser to it. */
  name: string;
  port: number;
}

/**
 * The load balancer docs/OPERATIONS.md describes, for real: HAProxy 2.6 in front of server
 * instances. Browsers stick to one instance by cookie (`STRATAVORE_SERVER`; Socket.IO's
 * long-polling needs it), long-lived sockets (agents, dashboards) go to the instance with
 * the fewest connections, and when an instance dies its clients are sent to another
 * (`option redispatch`; health checks on /healthz every 500 ms).
 */
export function haproxyConfig(port: number, backends: Backend[]): string {
  return [
    "global",
    "  maxconn 2000",
    "defaults",
    "  mode http",
    "  timeout connect 1s",
    "  timeout client 60s",
    "  timeout server 60s",
    // WebSockets: an idle dashboard or agent socket stays open (Socket.IO pings every 25 s).
    "  timeout tunnel 1h",
    "  option redispatch",
    "  retries 3",
    "frontend stratavore",
    `  bind 127.0.0.1:${port}`,
    "  default_backend instances",
    "backend instances",
    "  balance leastconn",
    "  cookie STRATAVORE_SERVER insert indirect nocache",
    "  option httpchk GET /healthz",
    "  http-check expect status 200",
    ...backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check inter 500 fall 2 rise 2 cookie ${b.name}`),
    "",
  ].join("\n");
}

export async function startHaproxy(dir: string, backends: Backend[]) {
  const port = await freePortForTests();
  const config = join(dir, "haproxy.cfg");
  await writeFile(config, haproxyConfig(port, backends));
  // -db: stay in the foreground, so the test owns the process; -W: master-worker off by default.
  const child: ChildProcess = spawn(HAPROXY, ["-f", config, "-db"], { stdio: ["ignore", "ignore", "pipe"] });
  const log: string[] = [];
  child.stderr!.on("data", (d: Buffer) => log.push(d.toString()));
  await waitForPort("HAProxy to listen", port);
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}
