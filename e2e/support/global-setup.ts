import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

const root = join(import.meta.dirname, "../..");

/** Starts e2e/support/stack.ts as a child and hands its URL and admin login to the specs via env. */
export default async function globalSetup() {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "e2e/support/stack.ts")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
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
  process.env.E2E_BASE_URL = ready.url;
  process.env.E2E_ADMIN_EMAIL = ready.adminEmail;
  process.env.E2E_ADMIN_PASSWORD = ready.adminPassword;
  process.env.E2E_DATABASE_URL = ready.databaseUrl;
  process.env.E2E_WORKDIR = ready.workdir;
  return async () => {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  };
}
