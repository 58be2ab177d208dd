import { readFile } from "node:fs/promises";
import { join } from "node:path";

type Log = (level: "warn" | "info", msg: string, meta?: Record<string, unknown>) => void;

/** Whether a process runs: true, false, or "not ours" (it runs, but we may not signal it). */
export const processAlive = (pid: number): boolean | "not ours" => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM" ? "not ours" : false;
  }
};

/** The pid `postmaster.pid` names (its first line), or null when there is none. */
export async function postmasterPid(dataDir: string): Promise<number | null> {
  const text = await readFile(join(dataDir, "postmaster.pid"), "utf8").catch(() => null);
  const pid = Number(text?.split("\n")[0]);
  return text && Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * A `postmaster.pid` left in the data directory. A dead pid is harmless (PostgreSQL replaces
 * it). A live PostgreSQL serving this very directory was left by an earlier server that died
 * (kill -9 leaves it running): it is stopped cleanly so we can start ours. Anything else holding
 * the pid is refused with its pid and the directory named, never guessed at.
 */
export async function clearStalePostmaster(dataDir: string, log: Log, waitMs = 30_000): Promise<void> {
  const pid = await postmasterPid(dataDir);
  if (!pid) return;
  const state = processAlive(pid);
  if (state === false) return;
  const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0").filter(Boolean);
  const isOurPostgres = state === true && /(^|\/)postgres$/.test(cmdline[0] ?? "") && cmdline.includes(dataDir);
  if (!isOurPostgres)
    throw new Error(
      `The database directory ${dataDir} is held by process ${pid} (${cmdline.join(" ") || "unknown"}): stop it, or set STRATAVORE_DATA_DIR to another directory.`,
    );
  log("warn", "stopping a PostgreSQL left running by an earlier server", { pid, dataDir });
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + waitMs;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(pid)) throw new Error(`PostgreSQL ${pid} on ${dataDir} did not stop within ${waitMs / 1000} s.`);
  log("info", "the earlier PostgreSQL stopped", { pid });
}
