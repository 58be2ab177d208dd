import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import type { CgroupFs } from "./cgroup-fs.ts";

export const nodeCgroupFs: CgroupFs = {
  read: (path) => readFileSync(path, "utf8"),
  write: (path, value) => writeFileSync(path, value),
  mkdir: (path) => mkdirSync(path, { recursive: true }),
  rmdir: (path) => rmdirSync(path),
  exists: (path) => existsSync(path),
};
