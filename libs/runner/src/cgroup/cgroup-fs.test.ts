import { describe, expect, it } from "vitest";
import { parseMountinfo, parseProcCgroup } from "./cgroup-fs.ts";
import { oomKillCount, parsePids } from "./runner-cgroup.ts";

describe("reading the cgroup layout", () => {
  it("finds v1 hierarchies by controller and the v2 mount in mountinfo", () => {
    const text = [
      "30 25 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
      "31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
      "35 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
      "36 30 0:32 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer",
      "40 30 0:36 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
      "41 30 0:37 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct",
    ].join("\n");
    const m = parseMountinfo(text);
    expect(Object.fromEntries(m.v1)).toEqual({
      cpu: "/sys/fs/cgroup/cpu",
      memory: "/sys/fs/cgroup/memory",
      freezer: "/sys/fs/cgroup/freezer",
    });
    expect(m.v2).toBe("/sys/fs/cgroup/unified");
  });

  it("reads this process's own path per controller, v2 under the empty key", () => {
    const own = parseProcCgroup(
      "9:name=systemd:/\n6:freezer:/\n4:memory:/process_api/c4e5\n2:cpu,cpuacct:/a/b\n0::/user.slice/x.scope\n",
    );
    expect(own.get("memory")).toBe("/process_api/c4e5");
    expect(own.get("cpu")).toBe("/a/b");
    expect(own.get("cpuacct")).toBe("/a/b");
    expect(own.get("freezer")).toBe("/");
    expect(own.get("")).toBe("/user.slice/x.scope");
  });

  it("reads pids and the OOM kill counter", () => {
    expect(parsePids("12\n345\n\n1\n")).toEqual([12, 345]); // never pid 1
    expect(oomKillCount("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")).toBe(2);
    expect(oomKillCount("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")).toBe(1);
    expect(oomKillCount("oom_kill_disable 0\nunder_oom 0\n")).toBe(0);
  });
});
