import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Socket } from "socket.io-client";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type UsageBatchAck, type UsageRecordInput } from "@stratavore/contracts";
import { transcriptEntryFixture } from "@stratavore/contracts/testing";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";
import { connectRawAgent } from "./testing/raw-agent.ts";
import { usageRecord } from "./testing/usage-record.ts";

/**
 * DESIGN §3 rule 6 under attack: a joined node (a raw socket speaking the agent protocol with a
 * genuine node credential) tries to bend ledger rows, sessions and the archive of a runner on
 * another node. Each attack is one item of the accounting-truth issue's defect 6; the victim's
 * figures come from the database before the attack, and a control batch proves the channel works.
 */
let h: FleetHarness;
let attacker: Socket;
let attackerNode: string;
let attackerRunner: string;
let attackerSession: string;
let victim: {
  runnerId: string;
  sessionId: string;
  projectId: string;
  messageId: string;
  totalTokens: number;
  sessionFigures: unknown;
};
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => "OK",
    (e: unknown) => (e instanceof TRPCError ? (e.cause as { code?: string }).code : String(e)),
  );

const record = usageRecord;
/** One archive entry of a user line, as an agent sends it. */
const entry = (uuid: string, text: string, rawLine: string) =>
  transcriptEntryFixture(text, { uuid, rawLine, timestamp: new Date().toISOString() });
const sessionFigures = (id: string) =>
  h.db.session.findUniqueOrThrow({
    where: { id },
    select: { projectId: true, cwd: true, messageCount: true, title: true, firstMessageAt: true, lastMessageAt: true },
  });
const refusals = (type: string) => h.db.event.count({ where: { type, actorId: attackerNode } });

beforeAll(async () => {
  h = await FleetHarness.start(workerDatabase(inject("databaseUrls")));
  const workdir = join(h.tmp, "victim-checkout");
  await mkdir(workdir, { recursive: true });
  const node = uniqueSlug("victim");
  await h.startAgent(node);
  const project = await h.api.projects.create({ name: uniqueSlug("victim"), path: workdir });
  const r = await h.api.runners.launch({ project: project.name, node, prompt: "say something" });
  await waitFor(
    "the victim's usage in the ledger",
    async () => (await h.db.usageRecord.count({ where: { runnerId: r.id } })) > 0,
  );
  await h.api.runners.stop({ id: r.id });
  await waitFor("victim stopped", async () => (await h.api.runners.get({ id: r.id })).status === "terminated");
  const row = await h.db.usageRecord.findFirstOrThrow({ where: { runnerId: r.id } });
  victim = {
    runnerId: r.id,
    sessionId: r.sessionId!,
    projectId: project.id,
    messageId: row.messageId,
    totalTokens: Number(row.totalTokens),
    sessionFigures: await sessionFigures(r.sessionId!),
  };

  // The attacker: a node that really joined, with a runner of its own in its own project.
  ({ socket: attacker, nodeId: attackerNode } = await connectRawAgent(h, uniqueSlug("attacker")));
  const own = await h.api.projects.create({ name: uniqueSlug("attacker"), path: join(h.tmp, "attacker-checkout") });
  attackerSession = randomUUID();
  await h.db.session.create({ data: { id: attackerSession, projectId: own.id } });
  attackerRunner = (
    await h.db.runner.create({
      data: {
        projectId: own.id,
        nodeId: attackerNode,
        status: "running",
        sessionId: attackerSession,
        startedAt: new Date(),
        lastHeartbeatAt: new Date(),
      },
    })
  ).id;
}, 120_000);
afterAll(async () => {
  attacker?.disconnect();
  await h?.stop();
});

const sendUsage = (records: UsageRecordInput[]) =>
  attacker
    .timeout(10_000)
    .emitWithAck("usage:batch", { runnerId: attackerRunner, batchId: randomUUID(), records }) as Promise<UsageBatchAck>;

describe("a node cannot bend another node's ledger, sessions or archive", () => {
  it("control: the attacker's own runner's usage is accepted", async () => {
    expect(await sendUsage([record(`msg_own_${randomUUID()}`, attackerSession, 10)])).toEqual({
      ok: true,
      accepted: 1,
    });
  });

  it("a batch for its own runner carrying another runner's message id does not raise that row, and is audited", async () => {
    const before = await refusals("usage.write_refused");
    expect(await sendUsage([record(victim.messageId, attackerSession, 50_000_000)])).toEqual({ ok: true, accepted: 0 });
    const row = await h.db.usageRecord.findUniqueOrThrow({ where: { usageKey: victim.messageId } });
    expect([Number(row.totalTokens), row.runnerId, row.projectId, row.sessionId]).toEqual([
      victim.totalTokens,
      victim.runnerId,
      victim.projectId,
      victim.sessionId,
    ]);
    expect(await refusals("usage.write_refused")).toBe(before + 1);
  });

  it("a record naming another project's session is not written, and is audited", async () => {
    const before = await refusals("usage.write_refused");
    const spent = async () =>
      (await h.db.usageRecord.aggregate({ where: { sessionId: victim.sessionId }, _sum: { totalTokens: true } }))._sum
        .totalTokens;
    const spentBefore = await spent();
    const stray = `msg_stray_${randomUUID()}`;
    expect(await sendUsage([record(stray, victim.sessionId, 50_000_000)])).toEqual({ ok: true, accepted: 0 });
    expect(await h.db.usageRecord.count({ where: { usageKey: stray } })).toBe(0);
    expect(await spent()).toBe(spentBefore);
    expect(await refusals("usage.write_refused")).toBe(before + 1);
  });

  it("archive lines for another session are refused FORBIDDEN and audited; nothing is added", async () => {
    const entries = await h.db.transcriptEntry.count({ where: { sessionId: victim.sessionId } });
    const ack = await attacker.timeout(10_000).emitWithAck("transcript:batch", {
      runnerId: attackerRunner,
      sessionId: victim.sessionId,
      entries: [entry(randomUUID(), "injected", "{}")],
    });
    expect(ack).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await h.db.transcriptEntry.count({ where: { sessionId: victim.sessionId } })).toBe(entries);
    expect(await refusals("archive.write_refused")).toBe(1);
  });

  it("archive lines of its own session under a file name a restore would turn into another path are refused VALIDATION; nothing is added", async () => {
    const count = () => h.db.transcriptEntry.count({ where: { sessionId: attackerSession } });
    const before = await count();
    for (const file of [
      `../../${victim.sessionId}.jsonl`,
      "agent-1.jsonl/../../x.jsonl",
      "notes.jsonl",
      "x/../agent-1.jsonl",
      "./agent-1.jsonl",
      "/tmp/agent-1.jsonl",
    ]) {
      const ack = await attacker.timeout(10_000).emitWithAck("transcript:batch", {
        runnerId: attackerRunner,
        sessionId: attackerSession,
        entries: [{ ...entry(randomUUID(), "planted", "{}"), file }],
      });
      expect(ack, file).toMatchObject({ ok: false, code: "VALIDATION" });
    }
    expect(await count()).toBe(before);
    // A sub-agent file's own name is taken, and its path in folders under subagents/ (claude nests runs).
    for (const file of ["agent-a1b2.jsonl", "run-1/agent-a1b2.jsonl"]) {
      const ok = await attacker.timeout(10_000).emitWithAck("transcript:batch", {
        runnerId: attackerRunner,
        sessionId: attackerSession,
        entries: [{ ...entry(randomUUID(), "sub-agent", "{}"), file }],
      });
      expect(ok, file).toEqual({ ok: true, accepted: 1 });
    }
  });

  it("a 4.5 MB transcript line (1.5 M '€', under the 2 M-character cap) of a node's own runner is archived whole", async () => {
    const text = "€".repeat(1_500_000);
    const rawLine = JSON.stringify({ type: "user", message: { role: "user", content: text } });
    expect(Buffer.byteLength(rawLine)).toBeGreaterThan(4_500_000);
    const uuid = randomUUID();
    const ack = await attacker.timeout(30_000).emitWithAck("transcript:batch", {
      runnerId: attackerRunner,
      sessionId: attackerSession,
      entries: [entry(uuid, text.slice(0, 100_000), rawLine)],
    });
    expect(ack).toEqual({ ok: true, accepted: 1 });
    const stored = await h.db.transcriptEntry.findFirstOrThrow({ where: { sessionId: attackerSession, uuid } });
    expect(stored.rawLine).toBe(rawLine);
    expect(attacker.connected).toBe(true);
  });

  it("a transcript line with NUL bytes is archived with each NUL as U+FFFD instead of failing the insert", async () => {
    const uuid = randomUUID();
    const rawLine = '{"type":"user","message":{"content":"a\u0000b"}}\u0000';
    const ack = await attacker.timeout(10_000).emitWithAck("transcript:batch", {
      runnerId: attackerRunner,
      sessionId: attackerSession,
      entries: [entry(uuid, "a\u0000b", rawLine)],
    });
    expect(ack).toEqual({ ok: true, accepted: 1 });
    const stored = await h.db.transcriptEntry.findFirstOrThrow({ where: { sessionId: attackerSession, uuid } });
    expect(stored.rawLine).toBe(rawLine.replaceAll("\u0000", "\uFFFD"));
    expect(stored.text).toBe("a\uFFFDb");
  });

  it("runner:session naming another project's session, or an id that is no session id, claims nothing and is audited", async () => {
    const before = await refusals("runner.session_refused");
    for (const sessionId of [victim.sessionId, "../../etc/passwd"]) {
      const answer: unknown = await attacker
        .timeout(10_000)
        .emitWithAck("runner:session", { runnerId: attackerRunner, sessionId });
      expect(answer).toMatchObject({ ok: false, code: "SESSION_REFUSED", sessions: [sessionId] });
    }
    expect(await refusals("runner.session_refused")).toBe(before + 2);
    expect(await sessionFigures(victim.sessionId)).toEqual(victim.sessionFigures);
    expect(await h.db.runner.findUniqueOrThrow({ where: { id: attackerRunner } })).toMatchObject({
      sessionId: attackerSession,
      pastSessionIds: [],
    });
    expect(await h.db.session.count({ where: { id: "../../etc/passwd" } })).toBe(0);
  });

  it("an import of a live session's id with another cwd neither re-homes it nor resets its counts; a relative cwd is refused", async () => {
    const projects = await h.db.project.count();
    const res = await h.api.usage.import({
      sessions: [
        {
          sessionId: victim.sessionId,
          cwd: "/somewhere/else",
          title: "hijacked",
          firstAt: null,
          lastAt: null,
          messageCount: 0,
          records: [record(victim.messageId, victim.sessionId, 50_000_000)],
        },
      ],
    });
    expect(res).toMatchObject({ recordsChanged: 0, projectsCreated: [], runnerSessionsSkipped: 1 });
    expect(await sessionFigures(victim.sessionId)).toEqual(victim.sessionFigures);
    expect(
      Number((await h.db.usageRecord.findUniqueOrThrow({ where: { usageKey: victim.messageId } })).totalTokens),
    ).toBe(victim.totalTokens);
    // Nor does it add responses to it, or stretch its facts (the attacker review: 5 M made-up
    // tokens, $450, on a running session, its times 1970–9999 and a billion messages).
    const audited = await h.db.event.count({ where: { type: "usage.imported" } });
    const widened = await h.api.usage.import({
      sessions: [
        {
          sessionId: victim.sessionId,
          cwd: null,
          title: "<img src=x>",
          firstAt: "1970-01-01T00:00:00Z",
          lastAt: "9999-12-31T00:00:00Z",
          messageCount: 1_000_000_000,
          records: [record("msg_planted_by_import", victim.sessionId, 5_000_000)],
        },
      ],
    });
    expect(widened).toMatchObject({ recordsChanged: 0, runnerSessionsSkipped: 1 });
    expect(await h.db.usageRecord.count({ where: { usageKey: "msg_planted_by_import" } })).toBe(0);
    expect(await sessionFigures(victim.sessionId)).toEqual(victim.sessionFigures);
    expect(await h.db.event.count({ where: { type: "usage.imported" } })).toBe(audited + 1);
    const relative = h.api.usage.import({
      sessions: [
        {
          sessionId: randomUUID(),
          cwd: "../../etc",
          title: null,
          firstAt: null,
          lastAt: null,
          messageCount: 0,
          records: [],
        },
      ],
    });
    expect(await codeOf(relative)).toBe("VALIDATION");
    expect(await h.db.project.count()).toBe(projects);
    // A session id names files and store keys later: only Claude Code's kind is taken.
    const sessions = await h.db.session.count();
    for (const sessionId of ["../x", "a\nb", "not-a-session"]) {
      const odd = h.api.usage.import({
        sessions: [{ sessionId, cwd: null, title: null, firstAt: null, lastAt: null, messageCount: 0, records: [] }],
      });
      expect(await codeOf(odd), sessionId).toBe("VALIDATION");
    }
    expect(await h.db.session.count()).toBe(sessions);
  });
});
