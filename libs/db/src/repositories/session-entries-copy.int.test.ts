import type { TranscriptEntryInput } from "@stratavore/contracts";
import { describe, expect, inject, it } from "vitest";
import { createDb, poolOf } from "../client.ts";
import { createScratchDatabase } from "../testing/test-postgres.ts";
import { copyEntries, EntryCopy } from "./session-entries-copy.ts";
import { insertEntries } from "./transcript-entries.ts";

/** Strings COPY's text format would have to escape or leave alone, and UTF-8 of every width. */
const HOSTILE = [
  "tab\there",
  "new\nline and \r\n CRLF",
  "back\\slash \\N \\. \\x41 \\\\",
  '"quotes", {braces}, NULL, null',
  "\u001b[32mANSI\u001b[0m and non-ASCII: naïve 日本語 → ✓",
  "NUL\u0000inside",
  "4-byte 🎉🎉 and a lone \ud800 surrogate",
  "",
];

function entry(i: number, over: Partial<TranscriptEntryInput> = {}): TranscriptEntryInput {
  const s = HOSTILE[i % HOSTILE.length] ?? "";
  return {
    uuid: `u-${i}`,
    parentUuid: i % 3 === 0 ? null : `u-${i - 1}`,
    type: i % 2 ? "assistant" : "user",
    role: i % 4 === 0 ? null : "user",
    text: `${s} #${i}`,
    toolNames: i % 2 ? [s, "Bash", '"Read",{x}'] : [],
    isSidechain: i % 5 === 0,
    timestamp: i % 6 === 0 ? null : new Date(Date.UTC(2026, 2, 1, 10, i, 5, 123)).toISOString(),
    file: i % 7 === 0 ? "agent-ab\tc.jsonl" : "",
    offset: i * 1_000_003,
    rawLine: JSON.stringify({ uuid: `u-${i}`, text: s }),
    ...over,
  };
}

const byUuidOf = <T extends { uuid: string }>(rows: T[], uuid: string) => rows.find((r) => r.uuid === uuid);

/** A line stored as bytes in three parts: part 0 with the entry, 1 and 2 appended in order. */
function partedEntries(): TranscriptEntryInput[] {
  const bytes = Buffer.from([0x7b, 0xff, 0x00, 0x09, 0x5c, 0x0d, 0x0a, 0x80, 0x7d]);
  const parts = [bytes.subarray(0, 3), bytes.subarray(3, 6), bytes.subarray(6)];
  return parts.map((p, part) =>
    entry(100, {
      text: part === 0 ? "parted" : "",
      rawLine: "",
      rawBytes: { part, parts: parts.length, base64: p.toString("base64") },
    }),
  );
}

describe("COPY into the transcript archive", () => {
  it("stores exactly what the parameterised insert stores, idempotently, parts appended in order", async () => {
    const db = createDb({ connectionString: await createScratchDatabase(inject("adminUrl"), "copy"), poolMax: 2 });
    try {
      await db.session.createMany({ data: [{ id: "by-copy" }, { id: "by-insert" }].map((s) => ({ ...s, cwd: "/w" })) });
      const entries = [
        ...Array.from({ length: 40 }, (_, i) => entry(i)),
        // A resumed transcript repeats a line with the same uuid: kept once, the first.
        entry(3, { text: "the repeat", offset: 9 }),
        ...partedEntries(),
        // NUL only where the text does not show it (a tool name, the role, the parent).
        entry(201, { toolNames: ["Ba\u0000sh"], role: "us\u0000er", parentUuid: "p\u0000" }),
        // Larger than one piece sent to PostgreSQL.
        entry(200, { text: `long ${"ü".repeat(400_000)}`, rawLine: JSON.stringify({ t: "é".repeat(400_000) }) }),
      ];
      expect(await copyEntries(poolOf(db), "by-copy", entries)).toBe(43);
      // Again (an import run twice, or a batch retried): nothing added, no part appended twice.
      expect(await copyEntries(poolOf(db), "by-copy", entries)).toBe(0);
      await insertEntries(db, "by-insert", entries);

      const rows = async (sessionId: string) =>
        (await db.transcriptEntry.findMany({ where: { sessionId }, orderBy: { uuid: "asc" } })).map(
          ({ id: _id, sessionId: _s, ...r }) => r,
        );
      const copied = await rows("by-copy");
      expect(copied).toEqual(await rows("by-insert"));
      expect(copied).toHaveLength(43);
      expect(byUuidOf(copied, "u-201")).toMatchObject({
        toolNames: ["Ba\uFFFDsh"],
        role: "us\uFFFDer",
        parentUuid: "p\uFFFD",
      });
      expect(byUuidOf(copied, "u-200")).toMatchObject({ text: entries.at(-1)!.text, rawLine: entries.at(-1)!.rawLine });

      // And equal to the input itself, field by field: NUL → U+FFFD, as PostgreSQL text needs, and
      // a lone surrogate → U+FFFD, as UTF-8 has no encoding for it (a round trip through a Buffer).
      const asStored = (s: string) => Buffer.from(s.replaceAll("\u0000", "\uFFFD")).toString();
      const byUuid = new Map(copied.map((r) => [r.uuid, r]));
      for (const e of entries.slice(0, 40)) {
        const r = byUuid.get(e.uuid);
        expect(r).toMatchObject({
          parentUuid: e.parentUuid,
          type: e.type,
          role: e.role,
          text: asStored(e.text),
          toolNames: e.toolNames.map(asStored),
          isSidechain: e.isSidechain,
          file: e.file,
          offset: BigInt(e.offset),
          rawLine: e.rawLine,
          rawBytes: null,
        });
        expect(r?.timestamp?.toISOString() ?? null).toBe(e.timestamp);
      }
      expect(byUuid.get("u-3")?.text).not.toBe("the repeat");
      const parted = byUuid.get("u-100");
      expect(parted).toMatchObject({ rawParts: 3, rawPartsTotal: 3, text: "parted" });
      expect([...(parted?.rawBytes ?? [])]).toEqual([0x7b, 0xff, 0x00, 0x09, 0x5c, 0x0d, 0x0a, 0x80, 0x7d]);
    } finally {
      await db.$disconnect();
    }
  });

  it("streamed in small writes over several transactions, or aborted, it stores the same or nothing", async () => {
    const db = createDb({
      connectionString: await createScratchDatabase(inject("adminUrl"), "copystream"),
      poolMax: 2,
    });
    try {
      await db.session.createMany({ data: ["streamed", "aborted", "reference"].map((id) => ({ id, cwd: "/w" })) });
      const entries = [...Array.from({ length: 60 }, (_, i) => entry(i)), ...partedEntries()];
      await insertEntries(db, "reference", entries);

      // ~100 bytes a row, 500 per transaction: the lines go in over many commits.
      const copy = await EntryCopy.open(poolOf(db), "streamed", 500);
      for (let i = 0; i < entries.length; i += 3) await copy.write(entries.slice(i, i + 3));
      expect(await copy.finish()).toBe(61);

      const aborted = await EntryCopy.open(poolOf(db), "aborted", 1 << 30);
      await aborted.write(entries);
      await aborted.abort();

      const rows = async (sessionId: string) =>
        (await db.transcriptEntry.findMany({ where: { sessionId }, orderBy: { uuid: "asc" } })).map(
          ({ id: _id, sessionId: _s, ...r }) => r,
        );
      expect(await rows("streamed")).toEqual(await rows("reference"));
      const [{ transactions }] = await db.$queryRaw<[{ transactions: number }]>`
        SELECT count(DISTINCT xmin::text)::int AS transactions FROM "TranscriptEntry" WHERE "sessionId" = 'streamed'`;
      expect(transactions).toBeGreaterThan(5);
      expect(await db.transcriptEntry.count({ where: { sessionId: "aborted" } })).toBe(0);
      // A failed commit (no such session: the foreign key refuses the rows) stores nothing and
      // throws PostgreSQL's error; the pool still serves.
      await expect(copyEntries(poolOf(db), "no-such-session", entries.slice(0, 3))).rejects.toMatchObject({
        code: "23503",
      });
      expect(await db.transcriptEntry.count({ where: { sessionId: "no-such-session" } })).toBe(0);
      expect(await db.session.count()).toBe(3);
      // Both connections back in the pool: nothing leaked by finish or abort.
      expect(poolOf(db).idleCount).toBe(poolOf(db).totalCount);
    } finally {
      await db.$disconnect();
    }
  });

  it("the server dropping the connection mid-COPY fails that import with the reason, and the process and pool carry on", async () => {
    const db = createDb({ connectionString: await createScratchDatabase(inject("adminUrl"), "copykill"), poolMax: 2 });
    try {
      await db.session.create({ data: { id: "cut", cwd: "/w" } });
      const copy = await EntryCopy.open(poolOf(db), "cut", 1 << 30);
      await copy.write(Array.from({ length: 5 }, (_, i) => entry(i)));
      // As a PostgreSQL restart would: the backend running the COPY is terminated.
      const [{ killed }] = await db.$queryRaw<[{ killed: number }]>`
        SELECT count(pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity
         WHERE query LIKE 'COPY stratavore_entry_batch%' AND pid <> pg_backend_pid()`;
      expect(killed).toBe(1);
      // The words depend on when the cut is seen (terminated, EPIPE, connection closed): an error, not a hang or a crash.
      await expect(copy.finish()).rejects.toBeInstanceOf(Error);
      expect(await db.transcriptEntry.count({ where: { sessionId: "cut" } })).toBe(0);
      expect(await db.session.count({ where: { id: "cut" } })).toBe(1);
    } finally {
      await db.$disconnect();
    }
  });
});
