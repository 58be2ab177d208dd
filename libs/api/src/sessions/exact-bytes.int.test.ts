import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, inject, it } from "vitest";
import { RAW_PART_BYTES, type TranscriptEntryInput } from "@stratavore/contracts";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { TranscriptTailer, transcriptPath } from "@stratavore/runner";
import { createHarness } from "../testing/api-harness.ts";
import { archiveEndedSessions } from "./archive/archive-job.ts";
import { archiveEntries } from "./archive-service.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
const dirs: string[] = [];
afterAll(async () => {
  await h.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const json = (uuid: string, content: string) =>
  Buffer.from(JSON.stringify({ type: "user", uuid, message: { role: "user", content } }));

/**
 * A runner's session whose transcript on disk is `original`: what its agent's tailer reads from
 * it, and how to send entries as that agent would.
 */
async function runnerWithTranscript(original: Buffer) {
  const configDir = await mkdtemp(join(tmpdir(), "stratavore-exact-"));
  dirs.push(configDir);
  const cwd = `/srv/${uniqueSlug("exact")}`;
  const sessionId = randomUUID();
  const path = transcriptPath(configDir, cwd, sessionId);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, original);
  const { api } = await h.as("operator");
  const project = await api.projects.create({ name: uniqueSlug("exact"), path: cwd });
  const node = await h.node();
  await h.db.session.create({ data: { id: sessionId, projectId: project.id } });
  const runner = await h.runningRunner(project.id, node.id, sessionId);
  const { entries } = await new TranscriptTailer({ configDir, cwd, sessionId }).poll();
  const send = (batch: TranscriptEntryInput[]) => archiveEntries(h.deps, node.id, runner.id, sessionId, batch);
  return { api, sessionId, runner, entries, send };
}

describe("the archive keeps a transcript byte for byte", () => {
  it("lines with invalid UTF-8, NUL bytes, a CR, and a 3 MB line come back from the JSONL export and the store copy exactly as claude wrote them", async () => {
    const u = () => randomUUID();
    const lines = [
      json(u(), "plain"),
      Buffer.concat([
        Buffer.from(`{"type":"user","uuid":"${u()}","message":{"content":"bad `),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('"}}'),
      ]),
      Buffer.concat([
        Buffer.from(`{"type":"user","uuid":"${u()}","message":{"content":"nul`),
        Buffer.from([0, 0]),
        Buffer.from('"}}'),
      ]),
      Buffer.concat([json(u(), "crlf"), Buffer.from("\r")]),
      json(u(), "x".repeat(3_000_000)),
      Buffer.concat([Buffer.from("not json "), Buffer.from([0xc0, 0x80])]),
      json(u(), "after"),
    ];
    const original = Buffer.concat(lines.flatMap((l) => [l, Buffer.from("\n")]));

    const { api, sessionId, runner, entries, send } = await runnerWithTranscript(original);
    // What the agent reads and sends: the 3 MB line as parts, each under the transport's limit.
    const parts = entries.filter((e) => e.rawBytes);
    expect(parts.filter((e) => e.rawBytes!.part > 0).length).toBe(Math.ceil(lines[4]!.length / RAW_PART_BYTES) - 1);
    for (const e of entries) expect(Buffer.byteLength(JSON.stringify(e))).toBeLessThan(8_000_000);
    // Sent one entry per batch, with every part sent twice (a resend after a lost ack): no change.
    for (const e of entries) {
      await send([e]);
      if (e.rawBytes) await send([e]);
    }
    expect(await h.db.transcriptEntry.count({ where: { sessionId } })).toBe(lines.length);

    const exported = await api.sessions.export({ id: sessionId, format: "jsonl" });
    expect(Buffer.from(exported.contentBase64!, "base64").equals(original)).toBe(true);
    // The text rendering stays readable: the damaged bytes as U+FFFD.
    expect(exported.content).toContain("bad \uFFFD");

    await h.db.runner.update({ where: { id: runner.id }, data: { status: "terminated", endedAt: new Date() } });
    await archiveEndedSessions(h.deps, 1000);
    const session = await h.db.session.findUniqueOrThrow({ where: { id: sessionId } });
    expect(gunzipSync(await h.deps.transcripts.get(session.transcriptKey!)).equals(original)).toBe(true);
  }, 60_000);

  it("a line whose later parts never arrived exports its cut text rather than a fragment", async () => {
    const long = json(randomUUID(), "y".repeat(2_500_000));
    const { api, sessionId, entries, send } = await runnerWithTranscript(Buffer.concat([long, Buffer.from("\n")]));
    await send(entries.slice(0, 2));
    const exported = await api.sessions.export({ id: sessionId, format: "jsonl" });
    expect(exported.contentBase64).toBeUndefined();
    expect(exported.content.length).toBe(2_000_000 + 1);
  }, 60_000);

  it("parts of a line go to that line only, not to an earlier line with the same uuid", async () => {
    const uuid = randomUUID();
    const small = Buffer.concat([
      Buffer.from(`{"type":"user","uuid":"${uuid}","message":{"content":"a`),
      Buffer.from([0xff]),
      Buffer.from('"}}'),
    ]);
    const big = json(uuid, "b".repeat(2_100_000));
    const { api, sessionId, entries, send } = await runnerWithTranscript(
      Buffer.concat([small, Buffer.from("\n"), big, Buffer.from("\n")]),
    );
    for (const e of entries) await send([e]);
    // The second line lost its row to the first (one uuid per session); the first keeps its own bytes.
    const exported = await api.sessions.export({ id: sessionId, format: "jsonl" });
    expect(Buffer.from(exported.contentBase64!, "base64").equals(Buffer.concat([small, Buffer.from("\n")]))).toBe(true);
  });
});
