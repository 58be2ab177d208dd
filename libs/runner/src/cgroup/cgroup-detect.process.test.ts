import { existsSync, mkdirSync, readFileSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectCgroups, isDriver } from "./cgroup-driver.ts";
import { readSelfCgroups } from "./cgroup-fs.ts";

/** The v2 tree's `stratavore/` directory, when this machine has v1 hierarchies beside a v2 tree without memory. */
function hybridV2Base(): string | null {
  try {
    const { mounts, own } = readSelfCgroups();
    if (!mounts.v2 || !mounts.v1.has("freezer")) return null;
    const ownDir = join(mounts.v2, own.get("") ?? "/");
    if (readFileSync(join(ownDir, "cgroup.controllers"), "utf8").split(/\s+/).includes("memory")) return null;
    return join(ownDir, "stratavore");
  } catch {
    return null;
  }
}

const base = hybridV2Base();
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0).reverse()) if (existsSync(dir)) rmdirSync(dir);
});

describe.skipIf(!base)(
  "auto detection with v1 hierarchies beside a v2 tree without memory (as on these machines; skipped elsewhere)",
  () => {
    it("picks v1 and leaves no directory of its own in the v2 tree, nor the empty ones of agents now gone", () => {
      const v2 = base!;
      // pid 1 did not start at tick 1: an agent that is gone, its directory left empty.
      const goneEmpty = join(v2, "1-1");
      // One that still holds a runner's directory is not ours to remove here (the v2 sweep's).
      const goneBusy = join(v2, "1-2");
      for (const dir of [goneEmpty, goneBusy, join(goneBusy, "runner-x")]) {
        mkdirSync(dir, { recursive: true });
        made.push(dir);
      }
      const agentDir = `${process.pid}-1`;

      const driver = detectCgroups({ prefer: "auto", agentDir });
      expect(isDriver(driver) && driver.capabilities.isolation).toBe("cgroup-v1");
      expect(existsSync(join(v2, agentDir))).toBe(false);
      expect(existsSync(goneEmpty)).toBe(false);
      expect(existsSync(join(goneBusy, "runner-x"))).toBe(true);
    });
  },
);
