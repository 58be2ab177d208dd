import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { folderPresence } from "./folder-presence.ts";

let root = "";
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "folders-"));
  await mkdir(join(root, "repo"));
  await writeFile(join(root, "a-file"), "not a folder");
  await symlink(join(root, "repo"), join(root, "link-to-repo"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("folderPresence", () => {
  it("answers, in order, which paths are folders here", async () => {
    expect(
      await folderPresence({
        paths: [
          join(root, "repo"),
          join(root, "missing"),
          join(root, "a-file"),
          // A checkout reached through a link is where claude would run.
          join(root, "link-to-repo"),
          // Relative: runners start in absolute paths only, so never "here".
          "repo",
        ],
      }),
    ).toEqual({ ok: true, present: [true, false, false, true, false] });
  });

  it("refuses a request outside the protocol, and says nothing about any path", async () => {
    for (const raw of [null, {}, { paths: [] }, { paths: [7] }, { paths: Array(51).fill("/") }])
      expect(await folderPresence(raw)).toEqual({ ok: false, code: "VALIDATION", message: "Malformed request." });
  });
});
