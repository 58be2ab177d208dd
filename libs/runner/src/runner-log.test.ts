import { existsSync, readdirSync, statSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { RunnerError } from "./base/errors.ts";
import { openRunnerLog, readLogTail, runnerLogPath } from "./runner-log.ts";
import { tempHome } from "./testing/helpers.ts";

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function dir() {
  const t = tempHome();
  cleanups.push(t.cleanup);
  return `${t.home}/logs`;
}

describe("runner log", () => {
  it("rotates at the size cap, keeps a bounded number of files, and tails across them", async () => {
    const logs = dir();
    const log = openRunnerLog({ dir: logs, runnerId: "r-1", maxBytes: 200, files: 3 });
    for (let i = 0; i < 100; i += 1) {
      log.write(`line ${String(i).padStart(3, "0")}\r\n`); // 10 bytes per line
      await new Promise((r) => setImmediate(r));
    }
    await log.close();
    const files = readdirSync(logs).sort();
    expect(files).toEqual(["r-1.log", "r-1.log.1", "r-1.log.2"]);
    // Private to the agent's user, rotated files included.
    expect(files.map((f) => statSync(`${logs}/${f}`).mode & 0o777)).toEqual([0o600, 0o600, 0o600]);
    expect(statSync(logs).mode & 0o777).toBe(0o700);
    const tail = await readLogTail(logs, "r-1", 25);
    expect(tail).toHaveLength(25);
    expect(tail.at(-1)).toBe("line 099");
    expect(tail[0]).toBe("line 075");
    expect(tail.every((l, i) => l === `line ${String(75 + i).padStart(3, "0")}`)).toBe(true); // continuous across files
  });

  it("reads an unrotated log and a missing one", async () => {
    const logs = dir();
    const log = openRunnerLog({ dir: logs, runnerId: "r-2" });
    log.write("a\r\nb\r\npartial");
    await log.close();
    log.write("after close is ignored");
    expect(await readLogTail(logs, "r-2", 10)).toEqual(["a", "b", "partial"]);
    expect(await readLogTail(logs, "r-2", 1)).toEqual(["partial"]);
    expect(await readLogTail(logs, "nobody", 10)).toEqual([]);
  });

  it("refuses runner ids that could escape the log directory", () => {
    const logs = dir();
    expect(() => runnerLogPath(logs, "../etc/passwd")).toThrow(RunnerError);
    expect(() => openRunnerLog({ dir: logs, runnerId: "a/b" })).toThrow(/log file name/);
    expect(existsSync(logs)).toBe(false);
  });
});
