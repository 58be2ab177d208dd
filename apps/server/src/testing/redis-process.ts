import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { freePortForTests } from "@stratavore/db/testing";
import { waitForPort } from "./wait-for-port.ts";

const REDIS = "/usr/bin/redis-server";

/** Whether Debian's redis-server is installed (`node scripts/bootstrap.mjs --test` installs it). */
export const redisInstalled = (): boolean => existsSync(REDIS);

/** A real Redis 7 of the test's own: a free port on 127.0.0.1, nothing saved to disk. */
export async function startRedis(dir: string) {
  const port = await freePortForTests();
  const child = spawn(REDIS, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir], {
    stdio: "ignore",
  });
  await waitForPort("Redis to listen", port);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}
