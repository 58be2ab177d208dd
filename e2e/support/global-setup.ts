import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { hostEnv, publishStack } from "./env.ts";

const root = join(import.meta.dirname, "../..");

/** Starts e2e/support/stack.ts as a child and hands its URL and admin login to the specs via env. */
export default async function globalSetup() {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "e2e/support/stack.ts")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...hostEnv(), NEXT_TELEMETRY_DISABLED: "1" },
  });
  const ready = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the e2e stack did not start within 120 s")), 120_000);
    child.once("exit", (code) => reject(new Error(`the e2e stack exited early (code ${code})`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.startsWith("READY ")) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(6)) as Record<string, string>);
    });
  });
  publishStack({
    url: ready.url!,
    adminEmail: ready.adminEmail!,
    adminPassword: ready.adminPassword!,
    databaseUrl: ready.databaseUrl!,
    workdir: ready.workdir!,
    claudeProjectsDir: ready.claudeProjectsDir!,
  });
  return async () => {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  };
}
