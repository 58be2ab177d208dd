import { randomBytes, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { TranscriptEntryInput } from "@stratavore/contracts";
import { createDb, insertEntries, insertRunner, refreshSessionStats, type Db } from "@stratavore/db";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { expectFailure } from "./testing/cli-assertions.ts";
import { FakeAgent } from "./testing/fake-agent.ts";
import { CliHarness, hasTtyRunner, type Issued } from "./testing/cli-harness.ts";

/**
 * Session browsing, transcripts, export and resume end to end. The archive is written straight
 * into the (shared) database, as an agent's ingest would leave it; names and words are unique.
 */
let h: CliHarness;
let db: Db;
let operator: Issued;
let admin: Issued;
let project: { id: string; name: string };
let sessionId: string;
let otherId: string;
/** A word no other test writes, so a search finds only this file's sessions. */
const WORD = `quagga${randomBytes(4)
  .toString("hex")
  .replace(/\d/g, (d) => "abcdefghij"[Number(d)] ?? "")}`;

const as = (who: Issued) => h.as(who);
const cli = (args: string[], who: Issued = operator) => h.runAs(who, args);
const json = <T>(args: string[], who: Issued = operator) => h.jsonAs<T>(who, args);

interface SessionJson {
  id: string;
  title: string | null;
  messageCount: number;
  projectName: string | null;
}

/** Archives `lines` (JSON strings) the way the ingest does: one entry per line, byte offsets, searchable text. */
async function archive(id: string, lines: { raw: string; text: string; toolNames?: string[] }[]): Promise<void> {
  await db.session.create({ data: { id, projectId: project.id, cwd: "/srv/zebra" } });
  let offset = 0;
  const entries: TranscriptEntryInput[] = lines.map(({ raw, text, toolNames = [] }) => {
    const line = JSON.parse(raw) as {
      uuid: string;
      parentUuid: string | null;
      type: string;
      timestamp: string;
      message?: { role: string };
    };
    const entry = {
      uuid: line.uuid,
      parentUuid: line.parentUuid,
      type: line.type,
      role: line.message?.role ?? null,
      text,
      toolNames,
      isSidechain: false,
      timestamp: line.timestamp,
      file: "",
      offset,
      rawLine: raw,
    };
    offset += Buffer.byteLength(raw) + 1;
    return entry;
  });
  await insertEntries(db, id, entries);
  await refreshSessionStats(db, id);
}

const [u1, u2, u3] = [randomUUID(), randomUUID(), randomUUID()];
const LINES = [
  JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    type: "user",
    uuid: u1,
    timestamp: "2026-01-05T10:00:00.000Z",
    message: { role: "user", content: `please refactor the zebra parser ${WORD}` },
  }),
  JSON.stringify({
    parentUuid: u1,
    isSidechain: false,
    type: "assistant",
    uuid: u2,
    timestamp: "2026-01-05T10:00:05.000Z",
    message: {
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [
        { type: "text", text: "Let me read the parser first." },
        { type: "tool_use", id: "toolu_01", name: "Read", input: { file_path: "/srv/zebra/parser.ts" } },
      ],
    },
  }),
  JSON.stringify({
    parentUuid: u2,
    isSidechain: false,
    type: "user",
    uuid: u3,
    timestamp: "2026-01-05T10:00:06.000Z",
    message: {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "toolu_01", content: "export function parseZebra() {}" }],
    },
  }),
];

beforeAll(async () => {
  h = await CliHarness.start(workerDatabase(inject("databaseUrls")));
  db = createDb({ connectionString: workerDatabase(inject("databaseUrls")), poolMax: 2 });
  [operator, admin] = await Promise.all([h.issue("operator"), h.issue("admin")]);
  const name = uniqueSlug("cli-sessions");
  const created = await json<{ id: string }>(["projects", "create", name, "--path", "/srv/zebra"]);
  project = { id: created.id, name };
  sessionId = randomUUID();
  await archive(sessionId, [
    { raw: LINES[0] ?? "", text: `please refactor the zebra parser ${WORD}` },
    { raw: LINES[1] ?? "", text: "Let me read the parser first.", toolNames: ["Read"] },
    { raw: LINES[2] ?? "", text: "export function parseZebra() {}" },
  ]);
  otherId = randomUUID();
  const v = randomUUID();
  await archive(otherId, [
    {
      raw: JSON.stringify({
        parentUuid: null,
        type: "user",
        uuid: v,
        timestamp: "2026-01-06T09:00:00.000Z",
        message: { role: "user", content: `the zebra parser ${WORD} needs tests` },
      }),
      text: `the zebra parser ${WORD} needs tests`,
    },
  ]);
});

afterAll(async () => {
  await db?.$disconnect();
  await h?.stop();
});

describe("sessions", () => {
  it("lists a project's sessions, as a table and as JSON", async () => {
    const list = await json<{ sessions: SessionJson[]; hits: unknown[] }>(["sessions", "--project", project.name]);
    expect(list.hits).toEqual([]);
    expect(list.sessions.map((s) => s.id).sort()).toEqual([sessionId, otherId].sort());
    expect(list.sessions.find((s) => s.id === sessionId)).toMatchObject({
      title: `please refactor the zebra parser ${WORD}`,
      messageCount: 3,
      projectName: project.name,
    });

    const table = await cli(["sessions", "--project", project.name, "--sort", "oldest"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+TITLE\s+PROJECT\s+MESSAGES\s+TOKENS\s+COST\s+LAST MESSAGE\n/);
    expect(table.stdout).toMatch(
      new RegExp(
        `^${sessionId.slice(0, 8)}\\s+please refactor the zebra parser ${WORD}\\s+${project.name}\\s+3\\s+0\\s+\\$0\\.00\\s+2026-01-05T10:00:06Z$`,
        "m",
      ),
    );
    expect(table.stdout.indexOf(sessionId.slice(0, 8))).toBeLessThan(table.stdout.indexOf(otherId.slice(0, 8)));
    const early = await cli(["sessions", "--project", project.name, "--until", "2026-01-05T12:00:00Z"]);
    expect(early.stdout).toContain(sessionId.slice(0, 8));
    expect(early.stdout).not.toContain(otherId.slice(0, 8));
  });

  it("searches transcripts, with the match marked", async () => {
    const found = await json<{ sessions: SessionJson[]; hits: { session: SessionJson; snippet: string }[] }>([
      "sessions",
      "--search",
      `zebra ${WORD}`,
    ]);
    const hit = found.hits.find((x) => x.session.id === sessionId);
    expect(hit?.snippet).toContain("<mark>zebra</mark>");
    expect(found.sessions.map((s) => s.id)).toContain(sessionId);

    // Piped, the marks become [brackets].
    const text = await cli(["sessions", "--search", `zebra ${WORD}`]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^${sessionId.slice(0, 8)}\\s.*\\n\\s+.*\\[zebra\\]`, "m"));
    expect(text.stdout).not.toContain("<mark>");
    expect((await cli(["sessions", "--search", `${WORD}nomatch`])).stdout).toBe(
      `No session matches '${WORD}nomatch'.\n`,
    );
  });

  it("shows the header and a readable transcript, by full id or prefix", async () => {
    const r = await cli(["session", "show", sessionId]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Session:\\s+${sessionId}$`, "m"));
    expect(r.stdout).toMatch(/^Messages:\s+3 \(3 lines archived\)$/m);
    expect(r.stdout).toContain(`user · 2026-01-05T10:00:00Z\n  please refactor the zebra parser ${WORD}\n`);
    expect(r.stdout).toContain(
      "assistant (claude-sonnet-4-5) · 2026-01-05T10:00:05Z\n  Let me read the parser first.\n  ⚙ Read(/srv/zebra/parser.ts)\n",
    );
    expect(r.stdout).toContain("tool · 2026-01-05T10:00:06Z\n  ↳ export function parseZebra() {}\n");
    expect(r.stdout).not.toContain("\x1b[");

    expect((await cli(["sessions", "show", sessionId.slice(0, 8), "--no-pager"])).stdout).toBe(r.stdout);
    const full = await json<{ id: string; entries: { type: string; toolNames: string[] }[] }>([
      "session",
      "show",
      sessionId,
    ]);
    expect(full.entries.map((e) => e.type)).toEqual(["user", "assistant", "user"]);
    expect(full.entries[1]?.toolNames).toEqual(["Read"]);
  });

  it.runIf(hasTtyRunner)(
    "pages through $PAGER on a terminal, with bold labels and matches; --no-pager prints directly",
    async () => {
      const env = { ...as(operator).env, PAGER: "sed 's/^/P|/'" };
      const paged = await h.runInTty(["session", "show", sessionId], { stdin: "", env });
      expect(paged.code, paged.stdout).toBe(0);
      expect(paged.stdout).toContain(`P|\x1b[1muser\x1b[22m`);
      expect(paged.stdout).toContain("P|  ⚙ Read(/srv/zebra/parser.ts)");
      const direct = await h.runInTty(["session", "show", sessionId, "--no-pager"], { stdin: "", env });
      expect(direct.stdout).not.toContain("P|");
      expect(direct.stdout).toContain("⚙ Read(/srv/zebra/parser.ts)");
      const search = await h.runInTty(["sessions", "--search", `zebra ${WORD}`], { stdin: "", env });
      expect(search.stdout).toContain("\x1b[1mzebra\x1b[22m");
    },
  );

  it("shows a transcript's escape sequences instead of passing them to the terminal (title, clear, OSC 8 link)", async () => {
    const id = randomUUID();
    const text = "before\x1b]0;pwned\x07\x1b[2J\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ after";
    const raw = JSON.stringify({
      parentUuid: null,
      type: "user",
      uuid: randomUUID(),
      timestamp: "2026-01-07T09:00:00.000Z",
      message: { role: "user", content: text },
    });
    await archive(id, [{ raw, text }]);
    await db.session.update({ where: { id }, data: { title: "title\x1b]0;owned\x07" } });
    const shown = await cli(["session", "show", id]);
    const listed = await cli(["sessions", "--project", project.name]);
    for (const r of [shown, listed]) {
      expect(r.code, r.stderr).toBe(0);
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(r.stdout).not.toMatch(/[\x07\x1b]/);
    }
    expect(shown.stdout).toContain("before␛]0;pwned␇␛[2J␛]8;;https://evil.example␛\\link␛]8;;␛\\ after");
    expect(listed.stdout).toContain("title␛]0;owned␇");
    if (hasTtyRunner) {
      const tty = await h.runInTty(["session", "show", id, "--no-pager"], { stdin: "", env: as(operator).env });
      expect(tty.stdout).toContain("before␛]0;pwned␇");
      expect(tty.stdout).not.toContain("\x1b]");
      expect(tty.stdout).not.toContain("\x1b[2J");
    }
  });

  it("finds similar sessions", async () => {
    const similar = await json<{ session: SessionJson; score: number }[]>(["sessions", "similar", sessionId]);
    expect(Array.isArray(similar)).toBe(true);
    expect(similar.every((s) => s.session.id !== sessionId && typeof s.score === "number")).toBe(true);
    expect((await cli(["sessions", "similar", sessionId])).code).toBe(0);
  });

  it("says NOT_FOUND (exit 5) for an unknown session", async () => {
    const missing = randomUUID();
    expectFailure(await cli(["session", "show", missing]), 5, "NOT_FOUND");
    expectFailure(await cli(["sessions", "similar", missing]), 5, "NOT_FOUND");
    expectFailure(await cli(["export", missing, "--format", "md"]), 5, "NOT_FOUND");
    expectFailure(await cli(["resume", missing]), 5, "NOT_FOUND");
  });
});

describe("export", () => {
  it("writes the original JSONL byte for byte to a file and prints its path", async () => {
    const file = join(await h.freshDir("export"), "out.jsonl");
    const r = await cli(["export", sessionId, "--format", "jsonl", "-o", file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${file}\n`);
    expect(await readFile(file)).toEqual(Buffer.from(`${LINES.join("\n")}\n`));
  });

  it("prints Markdown and JSON to stdout", async () => {
    const md = await cli(["export", sessionId, "--format", "md"]);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain("## User");
    expect(md.stdout).toContain("Read");
    expect(md.stdout).toContain(`please refactor the zebra parser ${WORD}`);
    const parsed = JSON.parse((await cli(["export", sessionId, "--format", "json"])).stdout) as {
      session: { id: string };
      entries: unknown[];
    };
    expect(parsed.session.id).toBe(sessionId);
    expect(parsed.entries).toHaveLength(3);
  });

  it("takes a runner id (or prefix) for the session it runs", async () => {
    const runner = await insertRunner(db, {
      projectId: project.id,
      sessionId,
      status: "terminated",
      conversationMode: "resume",
      flags: [],
    });
    const viaRunner = await cli(["export", runner.id, "--format", "jsonl"]);
    expect(viaRunner.code, viaRunner.stderr).toBe(0);
    expect(viaRunner.stdout).toBe(`${LINES.join("\n")}\n`);
    expect((await cli(["export", runner.id.slice(0, 8), "--format", "jsonl"])).stdout).toBe(viaRunner.stdout);

    const sessionless = await insertRunner(db, { projectId: project.id, status: "terminated", flags: [] });
    expectFailure(await cli(["export", sessionless.id, "--format", "md"]), 5, "NOT_FOUND", /has no session yet/);
  });

  it("needs a known format", async () => {
    expect((await cli(["export", sessionId])).code).toBe(2);
    expect((await cli(["export", sessionId, "--format", "html"])).code).toBe(2);
  });
});

describe("resume", () => {
  it("fails with exit 6 while no node can take the runner", async () => {
    const r = await cli(["resume", sessionId]);
    expect(r.code, r.stderr).toBe(6);
    expect(r.stderr).toMatch(/^error \[(NO_NODE_AVAILABLE|NODE_UNAVAILABLE)\]: /);
  });

  it("launches a runner resuming (or forking) the session on the chosen node", async () => {
    const { secret } = await json<{ secret: string }>(["join-token", "create"], admin);
    const agent = await FakeAgent.join(h.server.url, secret, uniqueSlug("cli-resume-node"), ["cli-resume"]);
    try {
      const r = await cli(["resume", sessionId.slice(0, 8), "--node", agent.nodeName]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(`^Resumed session ${sessionId.slice(0, 8)} in runner [0-9a-f]{8} \\((starting|running)\\)\\n`),
      );
      expect(r.stdout).toMatch(new RegExp(`^Node:\\s+${agent.nodeName}$`, "m"));
      expect(agent.launches.at(-1)?.spec).toMatchObject({ mode: "resume", sessionId });
      expect(agent.restores.at(-1)).toMatchObject({ sessionId, cwd: "/srv/zebra" });

      const forked = await json<{ id: string; nodeName: string }>([
        "resume",
        sessionId,
        "--node",
        agent.nodeName,
        "--fork",
      ]);
      expect(forked.nodeName).toBe(agent.nodeName);
      expect(agent.launches.at(-1)).toMatchObject({ runnerId: forked.id, spec: { mode: "resume", sessionId } });
      // The fork's own session is fixed before claude starts, and it is what the runner records.
      const forkId = (agent.launches.at(-1)?.spec as { forkSessionId?: string }).forkSessionId;
      expect(forkId).toMatch(/^[0-9a-f-]{36}$/);
      expect(forkId).not.toBe(sessionId);
      expect((await json<{ sessionId: string }>(["runner", "show", forked.id])).sessionId).toBe(forkId);

      // A prompt and claude flags of its own; without flags it would carry the last runner's.
      const withPrompt = await cli([
        "resume",
        sessionId,
        "--node",
        agent.nodeName,
        "--fork",
        "--prompt",
        "next step",
        "--model",
        "opus",
        "--",
        "--allowedTools",
        "Bash",
        "Edit",
      ]);
      expect(withPrompt.code, withPrompt.stderr).toBe(0);
      expect(agent.launches.at(-1)?.spec).toMatchObject({
        mode: "resume",
        sessionId,
        prompt: "next step",
        model: "opus",
        extraArgs: ["--allowedTools", "Bash", "Edit"],
      });
      for (const id of agent.launches.map((l) => l.runnerId)) await cli(["kill", id]);
    } finally {
      agent.close();
    }
  });
});
