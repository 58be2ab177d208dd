import { readFileSync } from "node:fs";

/** The few file operations the drivers make on cgroup files (node-fs.ts is the real one). */
export interface CgroupFs {
  read(path: string): string;
  write(path: string, value: string): void;
  mkdir(path: string): void;
  rmdir(path: string): void;
  exists(path: string): boolean;
}

/** Mount points of cgroup filesystems: v1 hierarchies by controller, the v2 unified one. */
export interface CgroupMounts {
  v1: Map<string, string>;
  v2: string | null;
}

/** Parses /proc/self/mountinfo (proc(5)): mount point is field 5; fs type and options follow " - ". */
export function parseMountinfo(text: string): CgroupMounts {
  const mounts: CgroupMounts = { v1: new Map(), v2: null };
  for (const line of text.split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const mountPoint = left.split(" ")[4];
    const [fsType, , superOpts = ""] = right.split(" ");
    if (!mountPoint) continue;
    if (fsType === "cgroup2") mounts.v2 ??= mountPoint;
    if (fsType === "cgroup")
      for (const opt of superOpts.split(","))
        if (["freezer", "memory", "cpu"].includes(opt) && !mounts.v1.has(opt)) mounts.v1.set(opt, mountPoint);
  }
  return mounts;
}

/**
 * This process's own cgroup path per v1 controller and for v2 (key ""), from /proc/self/cgroup
 * ("hierarchy-id:controllers:path"). Runner cgroups go below it, so they stay inside whatever
 * limits the agent itself runs under (a container, a systemd slice).
 */
export function parseProcCgroup(text: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, controllers = "", path = "/"] = m;
    if (id === "0" && controllers === "") paths.set("", path);
    for (const c of controllers.split(",")) if (c) paths.set(c, path);
  }
  return paths;
}

export function readSelfCgroups(): { mounts: CgroupMounts; own: Map<string, string> } {
  return {
    mounts: parseMountinfo(readFileSync("/proc/self/mountinfo", "utf8")),
    own: parseProcCgroup(readFileSync("/proc/self/cgroup", "utf8")),
  };
}
