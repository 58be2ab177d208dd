import type { RunnerCgroup } from "./runner-cgroup.ts";

/**
 * A shell writes its own pid into each cgroup.procs (one per hierarchy) and then execs claude:
 * claude keeps the shell's pid and nothing of its ever runs outside the cgroup. Paths and argv
 * are positional parameters, never part of the script, so nothing in them is parsed by sh.
 */
const JOIN_SCRIPT =
  'while [ "$1" != "--" ]; do echo $$ > "$1" || { echo "stratavore: cannot join cgroup $1" >&2; exit 125; }; shift; done; shift; exec "$@"';

export function joinCommand(cg: RunnerCgroup, file: string, args: string[]): [string, string[]] {
  return ["/bin/sh", ["-c", JOIN_SCRIPT, "stratavore-cgroup", ...cg.procsFiles, "--", file, ...args]];
}
