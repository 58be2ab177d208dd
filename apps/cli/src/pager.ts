import { spawn } from "node:child_process";
import { print, type Io } from "./io.ts";
import { isTtyOut } from "./terminal.ts";
import { terminalSafe } from "./terminal-safe.ts";

/** -F: quit when it fits one screen; -R: keep colours; -X: leave the text on screen afterwards. */
const DEFAULT_PAGER = "less -FRX";

/**
 * Long output through $PAGER, as git does: only when stdout is a terminal and paging is
 * wanted; `PAGER=cat`, or a pager that cannot be started, prints directly.
 */
export async function page(io: Io, text: string, opts: { pager?: string; enabled: boolean }): Promise<void> {
  const command = opts.pager ?? DEFAULT_PAGER;
  if (!opts.enabled || !isTtyOut(io.stdout) || command === "cat") return print(io, text);
  // Ctrl-C belongs to the pager (less ignores it); we must not die underneath it.
  const offInterrupt = io.onInterrupt(() => {});
  try {
    const safe = terminalSafe(text);
    const started = await runPager(io, command, safe.endsWith("\n") ? safe : `${safe}\n`);
    if (!started) print(io, text);
  } finally {
    offInterrupt();
  }
}

/** Resolves false when the pager could not be run at all (not installed), true once it exits. */
function runPager(io: Io, command: string, text: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ["pipe", "inherit", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    // Quitting the pager before the end closes its stdin: not an error.
    child.stdin?.on("error", () => {});
    child.on("error", () => resolve(false));
    child.on("close", (code) => {
      // 127: the shell found no such command.
      if (code === 127) return resolve(false);
      if (stderr) io.stderr.write(stderr);
      resolve(true);
    });
    child.stdin?.end(text);
  });
}
