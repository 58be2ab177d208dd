import { readdirSync, readFileSync } from "node:fs";

export interface ProcStat {
  pid: number;
  comm: string;
  /** R running, S sleeping, T stopped, Z zombie, … (proc(5)). */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Clock ticks after boot; with the pid it identifies a process across pid reuse. */
  startTime: number;
}

/**
 * Parses /proc/<pid>/stat. `comm` may contain spaces and parentheses ("(sd-pam)",
 * "tmux: server (1)"), so fields are counted from the LAST ')' rather than split naively.
 */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(" ");
  const num = (i: number) => Number(rest[i]);
  const stat: ProcStat = {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? "",
    ppid: num(1),
    pgrp: num(2),
    session: num(3),
    startTime: num(19),
  };
  return Number.isInteger(stat.pid) && Number.isInteger(stat.ppid) ? stat : null;
}

export function readProcStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "latin1"));
  } catch {
    return null; // gone between listing and reading, or not ours to read
  }
}

/** Every process visible in /proc right now. */
export function readProcTable(): ProcStat[] {
  const table: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (stat) table.push(stat);
  }
  return table;
}

/**
 * The root and all its descendants, parents before children (BFS). Goes by ppid only, so
 * it crosses the session and process-group boundaries Claude's tool commands create.
 */
export function snapshotDescendants(rootPid: number, table: ProcStat[] = readProcTable()): number[] {
  const children = new Map<number, number[]>();
  let rootSeen = false;
  for (const p of table) {
    if (p.pid === rootPid) rootSeen = true;
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  if (!rootSeen) return [];
  const order = [rootPid];
  const seen = new Set(order);
  // The iterator also visits pids pushed while iterating: that is the BFS queue.
  for (const pid of order) {
    for (const child of children.get(pid) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        order.push(child);
      }
    }
  }
  return order;
}

/**
 * Processes whose session is led by one of `leaders`. A tool command started with setsid
 * keeps its session id after its parent dies and it is re-parented to init, so this still
 * finds it when the ppid chain is gone.
 */
export function sessionMembers(leaders: Iterable<number>, table: ProcStat[] = readProcTable()): number[] {
  const sids = new Set(leaders);
  return table.filter((p) => sids.has(p.session)).map((p) => p.pid);
}

/** The NUL-separated environment of a process, or null when it is gone or not ours. */
export function readEnviron(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/environ`, "latin1");
  } catch {
    return null;
  }
}

/** Zombies count as dead: they hold no resources but a pid, and only their parent can reap them. */
export function isAlive(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.state !== "Z" && stat.state !== "X";
}

/**
 * Sends `signal` to each pid, skipping those already gone (ESRCH). Every pid is tried
 * before the first other error (EPERM) is thrown. Returns how many were signalled.
 */
export function signalPids(pids: Iterable<number>, signal: NodeJS.Signals): number {
  let sent = 0;
  let failure: unknown = null;
  for (const pid of pids) {
    if (!Number.isInteger(pid) || pid <= 1) continue; // never 0/-1/init: those mean "everyone"
    try {
      process.kill(pid, signal);
      sent += 1;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") failure ??= err;
    }
  }
  if (failure) throw failure;
  return sent;
}
