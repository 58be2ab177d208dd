/**
 * Production build of the dashboard, skipped when nothing it is built from has changed
 * (the hash of its sources is kept next to the build).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashSources } from "./source-hash.ts";

const root = join(import.meta.dirname, "..");
const webDir = join(root, "apps/web");
const stamp = join(webDir, ".next", "stratavore-source-hash");

export function buildWebIfChanged(log: (msg: string) => void = (m) => process.stdout.write(m + "\n")): boolean {
  const hash = hashSources(
    root,
    ["apps/web", "libs/ui", "libs/contracts", "libs/api-client"],
    ["package-lock.json", "tsconfig.base.json"],
  );
  if (existsSync(join(webDir, ".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === hash)
    return false;
  log("Building the dashboard (first start, or its sources changed)…");
  const t0 = Date.now();
  execFileSync(join(root, "node_modules/.bin/next"), ["build"], {
    cwd: webDir,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  writeFileSync(stamp, hash);
  log(`Dashboard built in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
  return true;
}

if (import.meta.filename === process.argv[1]) buildWebIfChanged();
