import { describe, expect, it, vi } from "vitest";

// A hung mount: `stat` of anything under /hung never returns (as on a dead NFS server).
const calls: string[] = [];
vi.mock("node:fs/promises", async (actual) => {
  const real = await actual<typeof import("node:fs/promises")>();
  return {
    ...real,
    stat: (path: string) => {
      calls.push(path);
      return path.startsWith("/hung/") ? new Promise(() => {}) : real.stat(path);
    },
  };
});
const { folderPresence } = await import("./folder-presence.ts");

describe("folderPresence on a hung mount", () => {
  it("answers 'cannot tell' in time, shares a stuck look, and starts no look past two stuck ones", async () => {
    expect(await folderPresence({ paths: ["/hung/a"] }, 20)).toEqual({ ok: true, present: [null] });
    // Asked again: the look under way is shared, not a second thread.
    expect(await folderPresence({ paths: ["/hung/a"] }, 20)).toEqual({ ok: true, present: [null] });
    expect(calls.filter((p) => p === "/hung/a")).toHaveLength(1);
    expect(await folderPresence({ paths: ["/hung/b"] }, 20)).toEqual({ ok: true, present: [null] });
    // Two threads are stuck: even a path that would answer at once is not looked at.
    const before = calls.length;
    expect(await folderPresence({ paths: ["/", "/hung/c"] }, 20)).toEqual({ ok: true, present: [null, null] });
    expect(calls.length).toBe(before);
  });
});
