import { randomUUID } from "node:crypto";
import { appendFile, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createCaller, hashPassword } from "@stratavore/api";
import { insertUser } from "@stratavore/db";
import { uniqueEmail, uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";

/**
 * Import archives what it counts (accounting-truth issue, defect 4): history imported on the
 * server's machine is searchable, exportable and resumable like a runner's session; a
 * usage-only import (the CLI's) says why it cannot be resumed instead of crash-looping.
 */
let h: FleetHarness;
let workdir: string;
beforeAll(async () => {
  // A stalled upload gives its slot up after 3 s here (30 s by default).
  h = await FleetHarness.start(workerDatabase(inject("databaseUrls")), {}, { STRATAVORE_UPLOAD_IDLE_SECONDS: "3" });
  workdir = join(h.tmp, "imported-checkout");
  await mkdir(workdir, { recursive: true });
});
afterAll(() => h?.stop());
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => "OK",
    (e: unknown) => (e instanceof TRPCError ? (e.cause as { code?: string }).code : String(e)),
  );

/** An operator's API token and `n` imported sessions (usage only) to upload transcripts to. */
async function uploaderWithSessions(n: number): Promise<{ token: string; sessions: string[] }> {
  const token = (await h.api.apiTokens.create({ name: uniqueSlug("t"), scopes: ["read", "write"] })).secret;
  const sessions = Array.from({ length: n }, () => randomUUID());
  await h.api.usage.import({
    sessions: sessions.map((sessionId) => ({
      sessionId,
      cwd: workdir,
      title: null,
      firstAt: null,
      lastAt: null,
      messageCount: 0,
      records: [],
    })),
  });
  return { token, sessions };
}

/** Uploads storing at this moment: the COPYs into the archive's staging table in this test's database. */
async function copying(): Promise<number> {
  const [row] = await h.db.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY stratavore_entry_batch%'`,
  );
  return Number(row?.n);
}

/** A small Claude Code history in the layout claude writes: one session, two turns. */
async function writeHistory(word: string): Promise<{ dir: string; sessionId: string; file: string }> {
  const dir = join(h.tmp, `history-${word}`, "projects");
  const sessionId = randomUUID();
  const folder = join(dir, workdir.replace(/[^a-zA-Z0-9]/g, "-"));
  await mkdir(folder, { recursive: true });
  const base = { isSidechain: false, userType: "external", cwd: workdir, sessionId, version: "2.1.328" };
  const lines = [
    {
      ...base,
      parentUuid: null,
      type: "user",
      uuid: "u1",
      timestamp: "2026-11-01T10:00:00.000Z",
      message: { role: "user", content: `please refactor the ${word} module` },
    },
    {
      ...base,
      parentUuid: "u1",
      type: "assistant",
      uuid: "a1",
      requestId: "req_1",
      timestamp: "2026-11-01T10:00:05.000Z",
      message: {
        id: `msg_${word}_1`,
        type: "message",
        role: "assistant",
        model: "claude-opus-5-5",
        content: [{ type: "text", text: "Done." }],
        usage: { input_tokens: 10, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 1000 },
      },
    },
    {
      ...base,
      parentUuid: "a1",
      type: "user",
      uuid: "u2",
      timestamp: "2026-11-01T10:01:00.000Z",
      message: { role: "user", content: "thanks" },
    },
    // claude's own running cost: it prices the unknown claude-opus-5-5 at 4/20 $ per M in, out and
    // 0.2 per M cache read: (10×4 + 20×20 + 1000×0.2) / 1e6 = $0.00064.
    {
      type: "cost-state",
      sessionId,
      totalCostUSD: 0.00064,
      totalAPIDuration: 900,
      totalAPIDurationWithoutRetries: 900,
      totalToolDuration: 0,
      totalLinesAdded: 0,
      totalLinesRemoved: 0,
      totalDuration: 5000,
      startTime: 1,
      hasUnknownModelCost: true,
      modelUsage: {
        "claude-opus-5-5": {
          inputTokens: 10,
          outputTokens: 20,
          cacheReadInputTokens: 1000,
          cacheCreationInputTokens: 0,
          webSearchRequests: 0,
          costUSD: 0.00064,
        },
      },
    },
  ];
  const file = join(folder, `${sessionId}.jsonl`);
  await writeFile(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return { dir, sessionId, file };
}

/** One turn of a session as claude writes it: a prompt and an answer with 100 in / 50 out tokens. */
function turn(sessionId: string, n: number, word: string): string {
  const base = { isSidechain: false, userType: "external", cwd: workdir, sessionId, version: "2.1.328" };
  const at = (s: number) => new Date(Date.UTC(2026, 10, 2, 9, n, s)).toISOString();
  const lines = [
    {
      ...base,
      parentUuid: null,
      type: "user",
      uuid: `u${n}`,
      timestamp: at(0),
      message: { role: "user", content: `${word} step ${n}` },
    },
    {
      ...base,
      parentUuid: `u${n}`,
      type: "assistant",
      uuid: `a${n}`,
      requestId: `req_${n}`,
      timestamp: at(5),
      message: {
        id: `msg_${sessionId}_${n}`,
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5",
        content: [{ type: "text", text: "ok" }],
        usage: { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    },
  ];
  return lines.map((l) => `${JSON.stringify(l)}\n`).join("");
}

/** Runs Settings → Import history on `dir` to its end; returns what its audit event recorded. */
async function importAndSettle(dir: string): Promise<{ bytesRead: number; sessionsUnchanged: number; failed: number }> {
  await h.api.usage.importLocal({ dir });
  await h.server.deps.fleet.settle();
  const last = await h.db.event.findFirst({ where: { type: "import.finished" }, orderBy: { seq: "desc" } });
  return last!.data as { bytesRead: number; sessionsUnchanged: number; failed: number };
}

describe("imported history", () => {
  it("the preview says where each session would go — an existing project, a new one at its cwd, or none — and the import does just that", async () => {
    const dir = join(h.tmp, "history-preview", "projects");
    const existingPath = join(h.tmp, "preview-existing");
    const newPath = join(h.tmp, "preview-new");
    const existing = await h.api.projects.create({ name: uniqueSlug("prev"), path: existingPath });
    const [s1, s2, s3, s4] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const at = (cwd: string, sessionId: string, word: string) =>
      turn(sessionId, 1, word).replaceAll(JSON.stringify(workdir), JSON.stringify(cwd));
    const files: Array<[string, string, string]> = [
      ["-new", s1, at(newPath, s1, "one")],
      ["-new", s2, at(newPath, s2, "two")],
      ["-existing", s3, at(existingPath, s3, "three")],
      // No cwd on any line: the session belongs to no project.
      ["-nowhere", s4, turn(s4, 1, "four").replaceAll(`"cwd":${JSON.stringify(workdir)},`, "")],
    ];
    for (const [folder, sessionId, text] of files) {
      await mkdir(join(dir, folder), { recursive: true });
      await writeFile(join(dir, folder, `${sessionId}.jsonl`), text);
    }
    // Not counted: an empty file (the import reads nothing from it), and s1 again in another
    // folder (one session, imported once).
    await writeFile(join(dir, "-new", `${randomUUID()}.jsonl`), "");
    await mkdir(join(dir, "-copy"), { recursive: true });
    await writeFile(join(dir, "-copy", `${s1}.jsonl`), files[0]![2]);
    // Named: a copy under another name, which the import does not read (its spend is not counted).
    const copy = join(dir, "-new", `copy-of-${s2}.jsonl`);
    await writeFile(copy, files[1]![2]);
    const bytes = (...ids: string[]) =>
      files.filter(([, id]) => ids.includes(id)).reduce((n, [, , text]) => n + Buffer.byteLength(text), 0);

    const before = await h.api.usage.importLocalPreview({ dir });
    expect(before).toEqual({
      dir,
      sessions: 4,
      alreadyImported: 0,
      bytes: bytes(s1, s2, s3, s4),
      destinations: [
        { path: newPath, project: null, sessions: 2, alreadyImported: 0, bytes: bytes(s1, s2) },
        {
          path: existingPath,
          project: { id: existing.id, name: existing.name },
          sessions: 1,
          alreadyImported: 0,
          bytes: bytes(s3),
        },
        { path: null, project: null, sessions: 1, alreadyImported: 0, bytes: bytes(s4) },
      ],
      moreDestinations: 0,
      skippedFiles: 1,
      skippedExamples: [copy],
    });
    // Looking changes nothing.
    expect(await h.db.session.count({ where: { id: { in: [s1, s2, s3, s4] } } })).toBe(0);
    expect(await h.db.project.count({ where: { path: newPath } })).toBe(0);

    expect((await importAndSettle(dir)).failed).toBe(0);
    const created = await h.db.project.findFirstOrThrow({ where: { path: newPath } });
    const projectOf = async (id: string) => (await h.db.session.findUniqueOrThrow({ where: { id } })).projectId;
    expect(await Promise.all([s1, s2, s3, s4].map(projectOf))).toEqual([created.id, created.id, existing.id, null]);
    const after = await h.api.usage.importLocalPreview({ dir });
    expect(after.destinations.map((d) => [d.path, d.project?.id ?? null, d.sessions, d.alreadyImported])).toEqual([
      [newPath, created.id, 2, 2],
      [existingPath, existing.id, 1, 1],
      [null, null, 1, 1],
    ]);
    // Sessions here stay in their project whatever their cwd says: after the project moved,
    // its sessions are shown with it, and no new project is promised at their old cwd.
    const moved = join(h.tmp, "preview-moved");
    await h.db.project.update({ where: { id: created.id }, data: { path: moved } });
    const afterMove = await h.api.usage.importLocalPreview({ dir });
    expect([afterMove.sessions, afterMove.alreadyImported]).toEqual([4, 4]);
    expect(afterMove.destinations.map((d) => [d.path, d.project?.id ?? null, d.sessions, d.alreadyImported])).toEqual([
      [moved, created.id, 2, 2],
      [existingPath, existing.id, 1, 1],
      [null, null, 1, 1],
    ]);
    await expect(codeOf(h.api.usage.importLocalPreview({ dir: join(h.tmp, "no-such-dir") }))).resolves.toBe(
      "NOT_FOUND",
    );
  });

  it("importing again reads only what was appended since; a replaced file is read from its start", async () => {
    const dir = join(h.tmp, "history-resume", "projects");
    const folder = join(dir, workdir.replace(/[^a-zA-Z0-9]/g, "-"));
    await mkdir(folder, { recursive: true });
    const [a, b] = [randomUUID(), randomUUID()];
    const [fileA, fileB] = [join(folder, `${a}.jsonl`), join(folder, `${b}.jsonl`)];
    await writeFile(fileA, turn(a, 1, "wombat") + turn(a, 2, "wombat"));
    await writeFile(fileB, turn(b, 1, "numbat"));
    const size = async (f: string) => (await stat(f)).size;

    const first = await importAndSettle(dir);
    expect(first).toMatchObject({
      bytesRead: (await size(fileA)) + (await size(fileB)),
      sessionsUnchanged: 0,
      failed: 0,
    });
    expect(await h.api.sessions.get({ id: a })).toMatchObject({ totalTokens: 300, entryCount: 4 });

    // claude carries on in session A: two more turns appended. B is untouched.
    const appended = turn(a, 3, "wombat") + turn(a, 4, "quagga");
    await appendFile(fileA, appended);
    const second = await importAndSettle(dir);
    expect(second).toMatchObject({ bytesRead: Buffer.byteLength(appended), sessionsUnchanged: 1, failed: 0 });
    expect(await h.api.sessions.get({ id: a })).toMatchObject({ totalTokens: 600, entryCount: 8 });
    expect((await h.api.sessions.list({ search: "quagga" })).hits.map((x) => x.session.id)).toContain(a);
    expect((await h.api.sessions.export({ id: a, format: "jsonl" })).content).toBe(await readFile(fileA, "utf8"));

    // Nothing new: nothing read.
    expect(await importAndSettle(dir)).toMatchObject({ bytesRead: 0, sessionsUnchanged: 2 });

    // Imported while claude was writing: the last line cut short, then finished.
    const whole = turn(a, 5, "dingo");
    const cut = whole.indexOf("\n") + 40;
    await appendFile(fileA, whole.slice(0, cut));
    await importAndSettle(dir);
    await appendFile(fileA, whole.slice(cut));
    await importAndSettle(dir);
    expect(await h.api.sessions.get({ id: a })).toMatchObject({ totalTokens: 750, entryCount: 10 });
    expect((await h.api.sessions.export({ id: a, format: "jsonl" })).content).toBe(await readFile(fileA, "utf8"));

    // B's file replaced by another of the same session (its first bytes differ): read whole again.
    await writeFile(fileB, turn(b, 7, "bilby") + turn(b, 8, "bilby"));
    const fourth = await importAndSettle(dir);
    expect(fourth).toMatchObject({ bytesRead: await size(fileB), sessionsUnchanged: 1 });
    expect(await h.api.sessions.get({ id: b })).toMatchObject({ totalTokens: 450 });
  }, 60_000);

  it("imported on the server's machine: counted (estimated price), searchable, exported byte for byte, and resumed on a node", async () => {
    const word = `quokka${Date.now().toString(36)}`;
    const { dir, sessionId, file } = await writeHistory(word);
    await h.api.usage.importLocal({ dir });
    const session = await waitFor(
      "the session imported with its transcript",
      async () => {
        const s = await h.api.sessions.get({ id: sessionId }).catch(() => null);
        return s && s.entryCount === 4 && s.resumable ? s : null;
      },
      30_000,
    );
    // claude-opus-5-5 is not in the price table: estimated at claude-opus-5's price, and said so.
    // (10 × $5 + 20 × $25 + 1000 × $0.50) / 1e6 = $0.00105
    expect(session).toMatchObject({ resumable: true, totalTokens: 1030, unpricedTokens: 0, costEstimated: true });
    expect(session.costUsd).toBeCloseTo(0.00105, 9);
    expect(session.estimatedCostUsd).toBeCloseTo(0.00105, 9);
    // The usage report says the same of the session's row (DESIGN §3 rule 4's flag).
    const row = (await h.api.usage.query({ by: "session", project: session.projectName!, limit: 1000 })).rows.find(
      (r) => r.group === sessionId,
    );
    expect(row).toMatchObject({ costEstimated: true, totalTokens: 1030 });
    expect(session.title).toContain(word);

    // Beside claude's own figure: ours is 64.0625 % higher, all of it on the estimated model.
    const check = await h.api.sessions.costCheck({ id: sessionId });
    expect(check).toMatchObject({ claudeUsd: 0.00064, differs: true, claudeMissedPrices: true });
    expect(check!.differencePercent).toBeCloseTo(((0.00105 - 0.00064) / 0.00064) * 100, 6);
    expect(check!.models).toEqual([
      {
        model: "claude-opus-5-5",
        claudeUsd: 0.00064,
        oursUsd: expect.closeTo(0.00105, 9),
        claudeTokens: 1030,
        oursTokens: 1030,
        estimated: true,
      },
    ]);

    const found = await h.api.sessions.list({ search: word });
    expect(found.hits[0]?.session.id).toBe(sessionId);
    expect((await h.api.sessions.export({ id: sessionId, format: "jsonl" })).content).toBe(
      await readFile(file, "utf8"),
    );

    const node = uniqueSlug("imp");
    await h.startAgent(node);
    const resumed = await h.api.sessions.resume({ id: sessionId, node });
    expect(resumed).toMatchObject({ status: "running", conversationMode: "resume", sessionId });
    await waitFor("the resumed claude read the imported conversation", async () =>
      h.server.deps.fleet.scrollback
        .since(resumed.id)
        .map((c) => c.data)
        .join("")
        .includes(sessionId),
    );
    await h.api.runners.stop({ id: resumed.id });
  }, 90_000);

  it("resumed on a node without its folder: refused PATH_MISSING, and nothing written into the node's ~/.claude", async () => {
    const word = `numbat${Date.now().toString(36)}`;
    // History of a checkout that exists on no node (the accounting review: the refused resume
    // still restored the transcript into the node's ~/.claude/projects).
    const saved = workdir;
    workdir = join(h.tmp, "checkout-elsewhere");
    const { dir, sessionId } = await writeHistory(word).finally(() => (workdir = saved));
    await h.api.usage.importLocal({ dir });
    await waitFor("the session imported with its transcript", async () => {
      const got = await h.api.sessions.get({ id: sessionId }).catch(() => null);
      return got && got.entryCount === 4 ? got : null;
    });
    const node = uniqueSlug("nofolder");
    const agent = await h.startAgent(node);
    expect(await codeOf(h.api.sessions.resume({ id: sessionId, node }))).toBe("PATH_MISSING");
    const projects = join(agent.home, ".claude", "projects");
    const written = await readdir(projects, { recursive: true }).catch(() => []);
    expect(written.filter((f) => String(f).includes(sessionId))).toEqual([]);
  }, 60_000);

  it("claude's figure written before the session's latest response is stale: no difference claimed until claude writes it again", async () => {
    const word = `wombat${Date.now().toString(36)}`;
    const { dir, sessionId, file } = await writeHistory(word);
    // A sub-agent's file: imported after the main one, its responses land after claude's figure
    // in the archive without making it stale (its work ended before the main transcript's last turn).
    const subagents = join(dirname(file), sessionId, "subagents");
    await mkdir(subagents, { recursive: true });
    await writeFile(
      join(subagents, "agent-a1.jsonl"),
      turn(sessionId, 9, word).replaceAll('"isSidechain":false', '"isSidechain":true'),
    );
    await importAndSettle(dir);
    expect(await h.db.transcriptEntry.count({ where: { sessionId, file: "agent-a1.jsonl", type: "assistant" } })).toBe(
      1,
    );
    expect(await h.api.sessions.costCheck({ id: sessionId })).toMatchObject({ differs: true, stale: false });
    // Claude works on in the session: a response after its last cost-state (its figure lags).
    await appendFile(file, turn(sessionId, 2, word));
    await importAndSettle(dir);
    const lagging = await h.api.sessions.costCheck({ id: sessionId });
    expect(lagging).toMatchObject({ claudeUsd: 0.00064, stale: true, differs: false });
    // It leaves the session (or exits) and writes its figure again: compared once more.
    const state = (await readFile(file, "utf8")).split("\n").find((l) => l.includes('"cost-state"'))!;
    await appendFile(file, `${state}\n`);
    await importAndSettle(dir);
    expect(await h.api.sessions.costCheck({ id: sessionId })).toMatchObject({ stale: false, differs: true });
  }, 60_000);

  it("history in the layout before Claude Code 2.1.2: sub-agent files beside the sessions count with their session; sessions known only from sub-agent files count and are not resumable", async () => {
    const word = `numbat${Date.now().toString(36)}`;
    const dir = join(h.tmp, `history-${word}`, "projects");
    const folder = join(dir, workdir.replace(/[^a-zA-Z0-9]/g, "-"));
    const [withMain, subagentsOnly, legacyOnly] = [randomUUID(), randomUUID(), randomUUID()];
    await mkdir(join(folder, subagentsOnly, "subagents"), { recursive: true });
    const sidechain = (text: string) => text.replaceAll('"isSidechain":false', '"isSidechain":true');
    // The main session: one turn, 100 in / 50 out.
    await writeFile(join(folder, `${withMain}.jsonl`), turn(withMain, 1, word));
    // Its sub-agent, written beside it (agent-<id>.jsonl, the session named inside): one response
    // of its own (turn 2: 100 / 50), and the main turn's response again (the same message id,
    // counted once).
    await writeFile(join(folder, "agent-1a2b3c4d.jsonl"), sidechain(turn(withMain, 2, word) + turn(withMain, 1, word)));
    // A session whose main file is gone: its sub-agent's spend (100 / 50) in each layout.
    await writeFile(
      join(folder, subagentsOnly, "subagents", "agent-5e6f.jsonl"),
      sidechain(turn(subagentsOnly, 1, word)),
    );
    await writeFile(join(folder, "agent-9c8d7e6f.jsonl"), sidechain(turn(legacyOnly, 1, word)));
    // A file of that name that names no session is nobody's.
    await writeFile(join(folder, "agent-00000000.jsonl"), '{"type":"summary","summary":"x"}\n');

    const settled = await importAndSettle(dir);
    expect(settled.failed).toBe(0);
    const tokensOf = async (id: string) => (await h.api.sessions.get({ id })).totalTokens;
    expect(await tokensOf(withMain)).toBe(150 + 150);
    expect(await tokensOf(subagentsOnly)).toBe(150);
    expect(await tokensOf(legacyOnly)).toBe(150);
    expect(await h.db.usageRecord.count({ where: { sessionId: withMain } })).toBe(2);
    // Archived under the sub-agent file's name, so a restore puts it in <session>/subagents/: its
    // own response (the replayed one has the main line's uuid, and the archive keeps a uuid once).
    expect(
      await h.db.transcriptEntry.count({
        where: { sessionId: withMain, file: "agent-1a2b3c4d.jsonl", type: "assistant" },
      }),
    ).toBe(1);
    expect((await h.api.sessions.get({ id: withMain })).resumable).toBe(true);
    // Nothing of the main conversation to resume in the other two: not offered, and refused.
    for (const id of [subagentsOnly, legacyOnly]) {
      expect(await h.db.transcriptEntry.count({ where: { sessionId: id, file: "" } })).toBe(0);
      expect((await h.api.sessions.get({ id })).resumable).toBe(false);
      expect(await codeOf(h.api.sessions.resume({ id }))).toBe("NOT_RESUMABLE");
    }
  }, 60_000);

  it("a usage-only import is not resumable, and resume says why with a coded error (no runner is started)", async () => {
    const sessionId = randomUUID();
    await h.api.projects.create({ name: uniqueSlug("usageonly"), path: workdir });
    await h.api.usage.import({
      sessions: [
        {
          sessionId,
          cwd: workdir,
          title: "from another laptop",
          firstAt: null,
          lastAt: null,
          messageCount: 2,
          records: [],
        },
      ],
    });
    expect((await h.api.sessions.get({ id: sessionId })).resumable).toBe(false);
    const runners = await h.db.runner.count();
    expect(await codeOf(h.api.sessions.resume({ id: sessionId }))).toBe("NOT_RESUMABLE");
    expect(await h.db.runner.count()).toBe(runners);

    // In no project (its folder was no absolute path): not resumable, archived or not — it was
    // listed as resumable, and Resume failed.
    const homeless = randomUUID();
    await h.api.usage.import({
      sessions: [
        { sessionId: homeless, cwd: null, title: null, firstAt: null, lastAt: null, messageCount: 1, records: [] },
      ],
    });
    await h.db.session.update({ where: { id: homeless }, data: { resumable: true } }); // as if its lines were archived
    expect((await h.api.sessions.get({ id: homeless })).resumable).toBe(false);
    const listed = await h.api.sessions.list({ idPrefix: homeless.slice(0, 8) });
    expect(listed.sessions.map((x) => [x.id, x.resumable])).toEqual([[homeless, false]]);
    expect(await codeOf(h.api.sessions.resume({ id: homeless }))).toBe("VALIDATION");
  });

  it("the transcript upload takes API tokens only, operator and write scope, a known session and a safe file name; a live session is not touched", async () => {
    const sessionId = randomUUID();
    await h.api.usage.import({
      sessions: [{ sessionId, cwd: workdir, title: null, firstAt: null, lastAt: null, messageCount: 1, records: [] }],
    });
    const viewer = await insertUser(h.db, {
      email: uniqueEmail("viewer"),
      name: "Viewer",
      role: "viewer",
      passwordHash: await hashPassword("viewer-password"),
    });
    const tokenFor = async (user: typeof viewer | null, scopes: ("read" | "write")[]) => {
      const api = user
        ? createCaller({
            ...h.server.deps,
            principal: { user, via: "session", scopes: ["read", "write"] },
            ip: "127.0.0.1",
          })
        : h.api;
      return (await api.apiTokens.create({ name: uniqueSlug("t"), scopes })).secret;
    };
    const [writer, reader, viewerToken] = [
      await tokenFor(null, ["read", "write"]),
      await tokenFor(null, ["read"]),
      await tokenFor(viewer, ["read", "write"]),
    ];
    const line =
      JSON.stringify({
        type: "user",
        uuid: "u1",
        sessionId,
        timestamp: "2026-11-01T10:00:00.000Z",
        message: { role: "user", content: "uploaded line" },
      }) + "\n";
    const post = async (
      query: string,
      headers: Record<string, string>,
      body: string | Uint8Array<ArrayBuffer> = line,
    ) => {
      const res = await fetch(`${h.server.url}/api/import/transcript?${query}`, {
        method: "POST",
        body,
        headers,
      });
      return [res.status, ((await res.json()) as { error?: { code: string }; lines?: number }).error?.code ?? "OK"];
    };
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    expect(await post(`session=${sessionId}&file=`, {})).toEqual([401, "UNAUTHENTICATED"]);
    expect(await post(`session=${sessionId}&file=`, bearer("svt_not-a-real-token-at-all"))).toEqual([
      401,
      "UNAUTHENTICATED",
    ]);
    expect(await post(`session=${sessionId}&file=`, bearer(viewerToken))).toEqual([403, "FORBIDDEN"]);
    expect(await post(`session=${sessionId}&file=`, bearer(reader))).toEqual([403, "TOKEN_SCOPE"]);
    expect(await post(`session=../../etc&file=`, bearer(writer))).toEqual([400, "VALIDATION"]);
    expect(await post(`session=${sessionId}&file=../../passwd`, bearer(writer))).toEqual([400, "VALIDATION"]);
    expect(await post(`session=${randomUUID()}&file=`, bearer(writer))).toEqual([404, "NOT_FOUND"]);
    for (const offset of ["-1", "abc", "1.5", String(2 ** 53)])
      expect(await post(`session=${sessionId}&file=&offset=${offset}`, bearer(writer))).toEqual([400, "VALIDATION"]);
    expect(await h.db.transcriptEntry.count({ where: { sessionId } })).toBe(0);
    // A body that says gzip but is not: refused as bad input, nothing stored.
    const gzipped = { ...bearer(writer), "content-encoding": "gzip" };
    expect(await post(`session=${sessionId}&file=`, gzipped)).toEqual([400, "VALIDATION"]);
    expect(await h.db.transcriptEntry.count({ where: { sessionId } })).toBe(0);
    expect(await post(`session=${sessionId}&file=`, bearer(writer))).toEqual([200, "OK"]);
    expect(await h.db.transcriptEntry.count({ where: { sessionId } })).toBe(1);
    // Compressed (as the CLI sends to another machine): the same lines, from the offset given.
    const second = line.replace('"u1"', '"u2"').replace("uploaded line", "compressed line");
    expect(
      await post(
        `session=${sessionId}&file=&offset=${Buffer.byteLength(line)}`,
        gzipped,
        new Uint8Array(gzipSync(second)),
      ),
    ).toEqual([200, "OK"]);
    const rows = await h.db.transcriptEntry.findMany({ where: { sessionId }, orderBy: { offset: "asc" } });
    expect(rows.map((r) => [r.uuid, Number(r.offset), r.rawLine])).toEqual([
      ["u1", 0, line.trimEnd()],
      ["u2", Buffer.byteLength(line), second.trimEnd()],
    ]);
  });

  it("uploads from any number of senders hold at most two database connections; the others wait their turn and all are stored", async () => {
    const { token, sessions } = await uploaderWithSessions(3);
    const lineOf = (sessionId: string, uuid: string) =>
      JSON.stringify({ type: "user", uuid, sessionId, message: { role: "user", content: `line ${uuid}` } }) + "\n";
    // Three uploads whose senders pause after their first line, as a slow network would.
    const uploads = sessions.map((sessionId) => {
      const req = request(`${h.server.url}/api/import/transcript?session=${sessionId}&file=`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
      });
      const answer = new Promise<number>((resolve, reject) => {
        req.on("response", (res) => (res.resume(), res.on("end", () => resolve(res.statusCode ?? 0))));
        req.on("error", reject);
      });
      req.write(lineOf(sessionId, "first"));
      return { req, answer, sessionId };
    });
    await waitFor("two uploads copying", async () => ((await copying()) === 2 ? true : null), 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(await copying()).toBe(2);
    for (const u of uploads) u.req.end(lineOf(u.sessionId, "second"));
    expect(await Promise.all(uploads.map((u) => u.answer))).toEqual([200, 200, 200]);
    for (const sessionId of sessions)
      expect(
        (await h.db.transcriptEntry.findMany({ where: { sessionId }, orderBy: { offset: "asc" } })).map((e) => e.uuid),
      ).toEqual(["first", "second"]);
  });

  it("senders that stall or trickle while holding a slot are cut off after the idle time: the slots free up and the next upload is stored", async () => {
    const { token, sessions } = await uploaderWithSessions(3);
    const lineOf = (sessionId: string, uuid: string) =>
      JSON.stringify({ type: "user", uuid, sessionId, message: { role: "user", content: `line ${uuid}` } }) + "\n";
    // Both slots taken: one sender sends a line and then nothing, the other a byte every 500 ms
    // (the attacker's byte every 5 s, which a socket idle timer alone never cuts off).
    const timers: NodeJS.Timeout[] = [];
    const stalled = sessions.slice(0, 2).map((sessionId, i) => {
      const req = request(`${h.server.url}/api/import/transcript?session=${sessionId}&file=`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
      });
      const ended = new Promise<string>((resolve) => {
        req.on("error", (err) => resolve(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`));
        req.on("response", (res) => resolve(`answer ${res.statusCode}`));
      });
      req.write(lineOf(sessionId, "first"));
      if (i === 1) timers.push(setInterval(() => req.write(" "), 500));
      return ended;
    });
    await waitFor("both slots copying", async () => ((await copying()) === 2 ? true : null), 10_000);
    const started = Date.now();
    const res = await fetch(`${h.server.url}/api/import/transcript?session=${sessions[2]}&file=`, {
      method: "POST",
      body: lineOf(sessions[2]!, "third"),
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(20_000),
    });
    expect(res.status).toBe(200);
    // It waited for the stalled ones' idle time (3 s here), not for Node's 5-minute request timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
    const ends = await Promise.all(stalled);
    timers.forEach(clearInterval);
    // The silent one's connection is closed; the trickling one is answered 400 (too slow).
    expect(ends[0]).toMatch(/^error/);
    expect(ends[1]).toMatch(/^(error|answer 400)/);
    expect(await h.db.transcriptEntry.count({ where: { sessionId: sessions[2] } })).toBe(1);
    // What the stalled uploads sent was rolled back with their COPY.
    expect(await h.db.transcriptEntry.count({ where: { sessionId: { in: sessions.slice(0, 2) } } })).toBe(0);
  });

  it("a gzip upload cut off mid-body lets go of its slot and its connection: the next uploads are stored", async () => {
    const { token, sessions } = await uploaderWithSessions(3);
    const lines = (sessionId: string, n: number) =>
      Array.from(
        { length: n },
        (_, i) =>
          JSON.stringify({ type: "user", uuid: `u${i}`, sessionId, message: { role: "user", content: `line ${i}` } }) +
          "\n",
      ).join("");
    // Two senders (both of the server's upload slots) send half of a compressed body, then vanish.
    for (const sessionId of sessions.slice(0, 2)) {
      const gz = gzipSync(lines(sessionId, 2000));
      const req = request(`${h.server.url}/api/import/transcript?session=${sessionId}&file=`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-encoding": "gzip" },
      });
      req.on("error", () => undefined);
      req.write(gz.subarray(0, gz.length >> 1));
      await waitFor("its COPY", async () => ((await copying()) > 0 ? true : null), 10_000);
      req.destroy();
    }
    await waitFor("no COPY left", async () => ((await copying()) === 0 ? true : null), 10_000);
    const res = await fetch(`${h.server.url}/api/import/transcript?session=${sessions[2]}&file=`, {
      method: "POST",
      body: lines(sessions[2]!, 3),
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(200);
    expect(await h.db.transcriptEntry.count({ where: { sessionId: sessions[2] } })).toBe(3);
    // What the cut-off uploads sent was rolled back with their COPY.
    expect(await h.db.transcriptEntry.count({ where: { sessionId: { in: sessions.slice(0, 2) } } })).toBe(0);
  });
});
