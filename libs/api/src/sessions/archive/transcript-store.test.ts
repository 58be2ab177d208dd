import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FilesystemStore } from "./transcript-store.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe("FilesystemStore", () => {
  it("keeps transcripts private to the server's user: directories 0700, files 0600, an old 0755 root tightened", async () => {
    const base = await mkdtemp(join(tmpdir(), "stratavore-store-"));
    dirs.push(base);
    const root = join(base, "transcripts");
    await mkdir(root, { mode: 0o755 });
    const store = new FilesystemStore(root);
    await store.put("project-a/session-1.jsonl.gz", Buffer.from("lines"));
    expect((await store.get("project-a/session-1.jsonl.gz")).toString()).toBe("lines");
    expect([
      await mode(root),
      await mode(join(root, "project-a")),
      await mode(join(root, "project-a/session-1.jsonl.gz")),
    ]).toEqual([0o700, 0o700, 0o600]);
  });
});
