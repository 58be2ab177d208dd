import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where `claude` is: the configured path, else on PATH, else the binary of the
 * `@anthropic-ai/claude-code` npm package when it is installed. Null when none exists.
 */
export function findClaudeBinary(configured: string | undefined, pathEnv: string | undefined): string | null {
  if (configured) return configured;
  for (const dir of (pathEnv ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "claude");
    if (executable(candidate)) return candidate;
  }
  try {
    // The CLI bundle is CommonJS, where import.meta is empty and __filename exists.
    const here = typeof __filename === "string" ? __filename : import.meta.url;
    const pkg = createRequire(here).resolve("@anthropic-ai/claude-code/package.json");
    for (const rel of ["bin/claude.exe", "bin/claude", "cli.js"]) {
      const candidate = join(dirname(pkg), rel);
      if (executable(candidate)) return candidate;
    }
  } catch {
    // not installed: fine, the node reports no claude version
  }
  return null;
}

/** `claude --version`, or null when it does not answer within 30 s (a cold 370 MB binary on a busy machine is slow). */
export async function claudeVersion(
  bin: string | null,
  env: Record<string, string | undefined>,
): Promise<string | null> {
  if (!bin) return null;
  try {
    const { stdout } = await run(bin, ["--version"], { timeout: 30_000, env: env as NodeJS.ProcessEnv });
    return stdout.trim().split("\n")[0]?.slice(0, 100) || null;
  } catch {
    return null;
  }
}
