import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { SpawnError } from "./base/errors.ts";

// execvp's fallback when the child's environment has no PATH.
const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks what would otherwise fail inside the forked child, where node-pty can only report
 * "exit code 1" (execvp failed) or a bare "chdir failed": the cwd must be a directory and
 * the command an executable, looked up on the child's own PATH. Returns the absolute path
 * to spawn, so the child runs exactly what was checked.
 */
export function preflightSpawn(command: string, cwd: string, env: Record<string, string | undefined>): string {
  let cwdStat;
  try {
    cwdStat = statSync(cwd);
  } catch {
    throw new SpawnError("CWD_MISSING", `Working directory ${cwd} does not exist on this node.`);
  }
  if (!cwdStat.isDirectory()) throw new SpawnError("CWD_NOT_DIRECTORY", `Working directory ${cwd} is not a directory.`);

  if (command.includes("/")) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    try {
      statSync(path);
    } catch {
      throw new SpawnError("COMMAND_NOT_FOUND", `Command ${path} does not exist.`);
    }
    if (!isExecutableFile(path))
      throw new SpawnError("COMMAND_NOT_EXECUTABLE", `Command ${path} is not an executable file.`);
    return path;
  }
  const searchPath = env.PATH ?? DEFAULT_PATH;
  for (const dir of searchPath.split(delimiter)) {
    const candidate = resolve(cwd, join(dir || ".", command));
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new SpawnError("COMMAND_NOT_FOUND", `Command "${command}" was not found on PATH (${searchPath}).`);
}
