import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePortForTests } from "@stratavore/db/testing";
import { waitFor as pollUntil } from "@stratavore/runner/testing";

export const PROMETHEUS_DIR = resolve(import.meta.dirname, "../../../../docker/prometheus");

/** `promtool <args>` (Debian's prometheus package; bootstrap --test installs it). */
export function promtool(args: string[], cwd: string): { ok: boolean; output: string } {
  const r = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/**
 * The shipped Prometheus config and rules copied into `dir` with a token file beside them, as
 * compose mounts them: `promtool check config` reads the credentials file the config names.
 */
export function stageShippedConfig(dir: string, token: string): string {
  mkdirSync(dir, { recursive: true });
  for (const f of ["prometheus.yml", "alerts.yml", "alerts.test.yml"])
    copyFileSync(join(PROMETHEUS_DIR, f), join(dir, f));
  writeFileSync(join(dir, "metrics_token"), token);
  return dir;
}

export interface RunningPrometheus {
  url: string;
  query: (
    expr: string,
  ) => Promise<{ status: string; data?: { resultType: string; result: unknown[] }; error?: string }>;
  stop: () => Promise<void>;
  log: string[];
}

/**
 * A real Prometheus scraping `target` (host:port) every second with the shipped job's settings
 * (metrics path, bearer token file) and the shipped alert rules.
 */
export async function startPrometheus(dir: string, target: string): Promise<RunningPrometheus> {
  const shipped = readFileSync(join(dir, "prometheus.yml"), "utf8");
  const config = shipped
    .replace(/scrape_interval: \d+s/, "scrape_interval: 1s")
    .replace(/evaluation_interval: \d+s/, "evaluation_interval: 1s")
    .replace(/targets: \[[^\]]*\]/, `targets: ["${target}"]`);
  if (!config.includes(target)) throw new Error("the shipped prometheus.yml has no static target to replace");
  writeFileSync(join(dir, "test-prometheus.yml"), config);
  const port = await freePortForTests();
  const child: ChildProcess = spawn(
    "prometheus",
    [
      `--config.file=${join(dir, "test-prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
  );
  const log: string[] = [];
  child.stderr!.on("data", (d: Buffer) => log.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await pollUntil(
    "prometheus ready",
    async () => (await fetch(`${url}/-/ready`).catch(() => null))?.ok ?? false,
    30_000,
    200,
  );
  return {
    url,
    log,
    query: async (expr) => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      return (await res.json()) as Awaited<ReturnType<RunningPrometheus["query"]>>;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
