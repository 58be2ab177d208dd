import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { pack as tarPack } from "tar-stream";
import { afterAll, describe, expect, it } from "vitest";
import { verifyBackup } from "./read-backup.ts";

const made: string[] = [];
/** A scratch folder, removed after the file's tests (each run used to leave two in /tmp). */
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "backup-verify-"));
  made.push(dir);
  return dir;
}
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const rows = '{"id":"a"}\n';

function manifest(overrides: Record<string, unknown> = {}) {
  return JSON.stringify({
    format: "stratavore-backup",
    formatVersion: 1,
    createdAt: "2026-11-30T00:00:00.000Z",
    serverVersion: "test",
    migrations: ["m1"],
    tables: {
      User: { rows: 1, parts: [{ path: "tables/User/00000.jsonl", bytes: rows.length, sha256: sha(rows), rows: 1 }] },
    },
    transcripts: [],
    missingTranscripts: [],
    ...overrides,
  });
}

/** A hand-built archive: the files given, in order, gzip'd tar. */
async function archive(files: [string, string][]): Promise<string> {
  const path = join(await scratch(), "b.tar.gz");
  const pack = tarPack();
  const done = pipeline(pack, createGzip(), createWriteStream(path));
  for (const [name, body] of files) pack.entry({ name }, body);
  pack.finalize();
  await done;
  return path;
}

describe("verifyBackup", () => {
  it("accepts an archive whose files match its manifest", async () => {
    const m = await verifyBackup(
      await archive([
        ["tables/User/00000.jsonl", rows],
        ["manifest.json", manifest()],
      ]),
    );
    expect(m.tables.User?.rows).toBe(1);
  });

  it.each([
    [
      "a file altered",
      [
        ["tables/User/00000.jsonl", '{"id":"b"}\n'],
        ["manifest.json", manifest()],
      ],
      /does not match its checksum/,
    ],
    ["a file missing", [["manifest.json", manifest()]], /tables\/User\/00000.jsonl is missing/],
    ["no manifest", [["tables/User/00000.jsonl", rows]], /has no manifest/],
    [
      "an unlisted file",
      [
        ["tables/User/00000.jsonl", rows],
        ["tables/Evil/00000.jsonl", "{}\n"],
        ["manifest.json", manifest()],
      ],
      /files its manifest does not list \(tables\/Evil/,
    ],
    [
      "a file after the manifest",
      [
        ["manifest.json", manifest()],
        ["tables/User/00000.jsonl", rows],
      ],
      /follows the manifest/,
    ],
    ["another format", [["manifest.json", manifest({ formatVersion: 2 })]], /manifest is not one this version reads/],
    ["not JSON", [["manifest.json", "{"]], /cannot be read/],
    [
      "a transcript key that is not its path",
      [
        ["transcripts/a/b.jsonl.gz", "x"],
        [
          "manifest.json",
          manifest({
            tables: {},
            transcripts: [{ key: "../../etc/x", path: "transcripts/a/b.jsonl.gz", bytes: 1, sha256: sha("x") }],
          }),
        ],
      ],
      /is not at its own path/,
    ],
  ] as [string, [string, string][], RegExp][])("refuses %s with BACKUP_INVALID", async (_what, files, message) => {
    await expect(verifyBackup(await archive(files))).rejects.toMatchObject({ code: "BACKUP_INVALID", message });
  });

  it("refuses a file that is not there with a coded error (nothing thrown past it)", async () => {
    await expect(verifyBackup(join(tmpdir(), "no-such-backup.tar.gz"))).rejects.toMatchObject({
      code: "BACKUP_INVALID",
      message: /ENOENT/,
    });
  });

  it("refuses what is not a gzip'd tar at all", async () => {
    const path = join(await scratch(), "junk");
    await pipeline(async function* () {
      yield Buffer.from("not an archive");
    }, createWriteStream(path));
    await expect(verifyBackup(path)).rejects.toMatchObject({ code: "BACKUP_INVALID" });
  });
});
