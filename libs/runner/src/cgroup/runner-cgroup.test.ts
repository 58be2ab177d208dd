import { describe, expect, it } from "vitest";
import type { CgroupFs } from "./cgroup-fs.ts";
import { CgroupV1 } from "./runner-cgroup.ts";

/**
 * A v1 freezer in memory: freezer.state follows what is written, cgroup.procs holds a process
 * that goes away once it has been killed and thawed `killsNeeded` times (a task the kernel is
 * slow to let go of). Every write is logged in order.
 */
function fakeFreezer(killsNeeded: number) {
  const files = new Map<string, string>([
    ["/fz/r/freezer.state", "THAWED"],
    ["/fz/r/cgroup.procs", "999999\n"],
  ]);
  const writes: string[] = [];
  let thawsAfterKill = 0;
  const fs: CgroupFs = {
    read: (p) => files.get(p) ?? "",
    write: (p, v) => {
      writes.push(v);
      files.set(p, v);
      if (p.endsWith("freezer.state") && v === "THAWED" && ++thawsAfterKill >= killsNeeded)
        files.set("/fz/r/cgroup.procs", "");
    },
    mkdir: () => undefined,
    rmdir: () => undefined,
    exists: () => true,
  };
  return { cg: new CgroupV1(fs, "/fz/r", null, null), writes, state: () => files.get("/fz/r/freezer.state") };
}

describe("a runner cgroup's kill loop", () => {
  it("runs once at a time: a second killAll joins the first instead of freezing and thawing out of step with it", async () => {
    const { cg, writes, state } = fakeFreezer(3);
    const stop = cg.killAll();
    const release = cg.killAll();
    expect(release).toBe(stop);
    expect(await Promise.all([stop, release])).toEqual([true, true]);
    // Each freeze is followed by its own thaw before the next freeze: never two freezes in a row.
    expect(`${writes.join(" ")} `).toMatch(/^(FROZEN THAWED )+$/);
    expect(state()).toBe("THAWED");
    // Once done, a later call starts a new loop (nothing left: it ends at once).
    expect(await cg.killAll()).toBe(true);
  });
});
