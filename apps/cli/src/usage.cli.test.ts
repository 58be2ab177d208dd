import { randomUUID } from "node:crypto";
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { expectFailure } from "./testing/cli-assertions.ts";
import { CliHarness, hasTtyRunner, type Issued } from "./testing/cli-harness.ts";

/** usage, budget and import end to end against the real server (the database is shared: unique names). */
let h: CliHarness;
let operator: Issued;
let admin: Issued;

beforeAll(async () => {
  h = await CliHarness.start(workerDatabase(inject("databaseUrls")));
  [operator, admin] = await Promise.all([h.issue("operator"), h.issue("admin")]);
});

afterAll(async () => {
  await h?.stop();
});

const as = (who: Issued) => h.as(who);
const cli = (args: string[], who: Issued = operator) => h.runAs(who, args);
const json = <T>(args: string[], who: Issued = operator) => h.jsonAs<T>(who, args);

interface UsageJson {
  rows: { label: string; totalTokens: number }[];
  totals: Record<string, number | string>;
}

interface BudgetJson {
  id: string;
  name: string;
  scope: string;
  scopeLabel: string;
  period: string;
  limitTokens: number | null;
  limitUsd: number | null;
  warnPercent: number;
  action: string;
  enabled: boolean;
  usedTokens: number;
  usedUsd: number;
  fraction: number;
  state: string;
  periodEnd: string;
}

describe("usage", () => {
  it("gives {rows, totals} for a range without usage, and says so in text", async () => {
    const empty = await json<UsageJson>(["usage", "--since", "2001-01-01", "--until", "2001-01-31"]);
    expect(empty).toEqual({
      rows: [],
      totals: {
        group: "total",
        label: "Total",
        inputTokens: 0,
        outputTokens: 0,
        cacheWrite5mTokens: 0,
        cacheWrite1hTokens: 0,
        cacheReadTokens: 0,
        totalTokens: 0,
        costUsd: 0,
        estimatedCostUsd: 0,
        costEstimated: false,
        unpricedTokens: 0,
        requests: 0,
        webSearchRequests: 0,
      },
    });
    const byModel = await json<UsageJson>([
      "usage",
      "--since",
      "2001-01-01T00:00:00Z",
      "--until",
      "20010102",
      "--by",
      "model",
    ]);
    expect(byModel.rows).toEqual([]);
    const text = await cli(["usage", "--since", "2001-01-01", "--until", "2001-01-01"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe("No usage recorded in this range.\n");
  });

  it("lists the price table in text and JSON (the accounting review found no way to read prices from the CLI)", async () => {
    const book = await json<{ version: string; prices: { modelPattern: string; input: number; output: number }[] }>([
      "usage",
      "prices",
    ]);
    expect(book.version).toMatch(/^anthropic-/);
    // Anthropic's list price for sonnet 4.5: $3 in, $15 out per million.
    expect(book.prices.find((p) => p.modelPattern === "claude-sonnet-4-5")).toMatchObject({ input: 3, output: 15 });
    const text = (await cli(["usage", "prices"])).stdout;
    expect(text).toMatch(/^MODEL +INPUT +OUTPUT/m);
    expect(text).toMatch(/^claude-sonnet-4-5 +3 +15 +3\.75 +6 +0\.3 +shipped$/m);
  });

  it("an admin sets and removes a model's price; a new family-newest id says it moves that family's estimates", async () => {
    const model = "claude-haiku-77";
    // Typed dated: stored and reported under the id prices are looked up by.
    const set = await cli(["usage", "set-price", `${model}-20270101`, "--input", "2", "--output", "$8"], admin);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`Set the price of ${model} (`);
    expect(set.stdout).toMatch(/^Note: claude-haiku-77 is now the newest haiku price: every haiku id without a row/m);
    try {
      // The cache prices default from the input price: 1.25×, 2× and 0.1× of $2.
      expect((await cli(["usage", "prices"])).stdout).toMatch(/^claude-haiku-77 +2 +8 +2\.5 +4 +0\.2 +override$/m);
      // The same prices again move nothing; --json carries the notice field either way.
      const again = await json<{ notice: string | null }>(
        ["usage", "set-price", model, "--input", "2", "--output", "8"],
        admin,
      );
      expect(again.notice).toBeNull();
      expectFailure(await cli(["usage", "set-price", model, "--input", "2", "--output", "8"]), 4, "FORBIDDEN");
    } finally {
      const unset = (await cli(["usage", "unset-price", model], admin)).stdout;
      expect(unset).toContain(`Removed the price set for ${model}`);
      // The family's estimates go back to the shipped newest haiku row, and it says so.
      expect(unset).toMatch(/^Note: claude-haiku-4-5 is now the newest haiku price/m);
    }
    expect((await cli(["usage", "prices"])).stdout).not.toContain(model);
    // Nothing left to remove is NOT_FOUND, not "Removed".
    expectFailure(await cli(["usage", "unset-price", model], admin), 5, "NOT_FOUND", /No price was set by an admin/);
    expectFailure(await cli(["usage", "set-price", model, "--input", "two", "--output", "8"], admin), 2, "USAGE");
  });

  it("usage reprice --json answers JSON (the parent command's --json took the flag)", async () => {
    const res = await json<{ records: number; changed: number; version: string }>(["usage", "reprice"], admin);
    expect(res.version).toMatch(/^anthropic-/);
    expect(res.changed).toBeLessThanOrEqual(res.records);
  });

  it("rejects bad dates, ranges and groups as usage errors, and unknown projects as NOT_FOUND", async () => {
    expectFailure(await cli(["usage", "--since", "yesterday"]), 2, "USAGE", /YYYY-MM-DD/);
    expectFailure(await cli(["usage", "--since", "2026-02-30"]), 2, "USAGE", /not a calendar date/);
    expectFailure(await cli(["usage", "--since", "2026-02-02", "--until", "2026-02-01"]), 2, "USAGE", /must be before/);
    expectFailure(await cli(["usage", "--by", "year"]), 2, "USAGE", /day, week, month, model, project, session/);
    const missing = uniqueSlug("cli-nousage");
    expectFailure(await cli(["usage", "--project", missing]), 5, "NOT_FOUND", new RegExp(missing));
  });
});

describe("budget", () => {
  it("creates a project budget (admin), lists, shows, edits and deletes it", async () => {
    const project = uniqueSlug("cli-budget");
    expect((await cli(["projects", "create", project, "--path", `/srv/${project}`])).code).toBe(0);

    const created = await json<BudgetJson>(
      [
        "budget",
        "create",
        "--scope",
        `project:${project}`,
        "--period",
        "daily",
        "--tokens",
        "2.5M",
        "--usd",
        "10",
        "--action",
        "block_launch",
      ],
      admin,
    );
    expect(created).toMatchObject({
      name: `project ${project} daily`,
      scope: "project",
      scopeLabel: `project ${project}`,
      period: "daily",
      limitTokens: 2_500_000,
      limitUsd: 10,
      warnPercent: 80,
      action: "block_launch",
      enabled: true,
      usedTokens: 0,
      usedUsd: 0,
      fraction: 0,
      state: "ok",
    });
    const short = created.id.slice(0, 8);

    expect((await json<BudgetJson[]>(["budget", "list"])).find((b) => b.id === created.id)).toMatchObject({
      state: "ok",
    });
    const table = await cli(["budget", "list"]);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+SCOPE\s+PERIOD\s+TOKENS\s+USD\s+USED\s+STATE\s+ACTION\s+RESETS\n/);
    expect(table.stdout).toMatch(
      new RegExp(
        `^${short}\\s+project ${project} daily\\s+project ${project}\\s+daily\\s+0 / 2\\.5M\\s+\\$0\\.00 / \\$10\\.00\\s+0\\.0%\\s+ok\\s+block_launch\\s+\\d{4}-`,
        "m",
      ),
    );

    const shown = await cli(["budget", "show", short]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`ID:\\s+${created.id}`));
    expect(shown.stdout).toMatch(/Tokens:\s+0 \/ 2,500,000\n/);
    expect(shown.stdout).toMatch(/Used:\s+0\.0% \(ok\)/);
    expect((await json<BudgetJson>(["budget", "show", `project ${project} daily`])).id).toBe(created.id);

    const edited = await json<BudgetJson>(
      [
        "budget",
        "edit",
        created.id,
        "--usd",
        "none",
        "--warn",
        "50",
        "--action",
        "notify",
        "--name",
        `${project} renamed`,
        "--disable",
      ],
      admin,
    );
    expect(edited).toMatchObject({
      id: created.id,
      name: `${project} renamed`,
      limitTokens: 2_500_000,
      limitUsd: null,
      warnPercent: 50,
      action: "notify",
      enabled: false,
    });
    expect((await cli(["budget", "edit", short, "--enable"], admin)).stdout).toMatch(/Enabled:\s+yes/);
    expectFailure(
      await cli(["budget", "edit", short, "--tokens", "none"], admin),
      2,
      "VALIDATION",
      /token limit, a USD limit/,
    );
    expectFailure(await cli(["budget", "edit", short], admin), 2, "USAGE", /Nothing to change/);
    expectFailure(await cli(["budget", "edit", short, "--usd", "5"]), 4, "FORBIDDEN");

    expectFailure(await cli(["budget", "delete", short], admin), 2, "USAGE", /--yes/);
    expectFailure(await cli(["budget", "delete", short, "--yes"]), 4, "FORBIDDEN");
    const deleted = await cli(["budget", "delete", short, "--yes"], admin);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe(`Deleted budget ${project} renamed\n`);
    expectFailure(await cli(["budget", "show", created.id]), 5, "NOT_FOUND");
    expectFailure(await cli(["budget", "show", short]), 5, "NOT_FOUND");
  });

  it.skipIf(!hasTtyRunner)("asks before deleting on a terminal", async () => {
    const name = uniqueSlug("cli-budget-tty");
    const { id } = await json<BudgetJson>(
      [
        "budget",
        "create",
        "--scope",
        "global",
        "--period",
        "monthly",
        "--usd",
        "1000000",
        "--action",
        "notify",
        "--name",
        name,
      ],
      admin,
    );
    const declined = await h.runInTty(["budget", "delete", name], { ...as(admin), stdin: "n\n" });
    expect(declined.code).toBe(1);
    expect(declined.stdout).toMatch(new RegExp(`Delete budget '${name}' \\(all projects, monthly\\)\\? \\[y/N\\]`));
    expect(declined.stdout).toMatch(/error \[ABORTED\]/);
    const confirmed = await h.runInTty(["budget", "delete", id.slice(0, 8)], { ...as(admin), stdin: "y\n" });
    expect(confirmed.code, confirmed.stdout).toBe(0);
    expectFailure(await cli(["budget", "show", id]), 5, "NOT_FOUND");
  });

  it("refuses an operator (FORBIDDEN, exit 4)", async () => {
    const project = uniqueSlug("cli-budget-op");
    expect((await cli(["projects", "create", project, "--path", `/srv/${project}`])).code).toBe(0);
    expectFailure(
      await cli([
        "budget",
        "create",
        "--scope",
        `project:${project}`,
        "--period",
        "weekly",
        "--usd",
        "5",
        "--action",
        "notify",
      ]),
      4,
      "FORBIDDEN",
      /admin/,
    );
  });

  it("rejects a bad scope (USAGE, exit 2), no limit (VALIDATION, exit 2) and an unknown project (NOT_FOUND, exit 5)", async () => {
    expectFailure(
      await cli(
        ["budget", "create", "--scope", "team:x", "--period", "daily", "--usd", "5", "--action", "notify"],
        admin,
      ),
      2,
      "USAGE",
      /--scope.*global, project:/,
    );
    expectFailure(
      await cli(
        ["budget", "create", "--scope", "global", "--period", "yearly", "--usd", "5", "--action", "notify"],
        admin,
      ),
      2,
      "USAGE",
      /--period/,
    );
    expectFailure(
      await cli(["budget", "create", "--scope", "global", "--period", "daily", "--usd", "5"], admin),
      2,
      "USAGE",
      /--action/,
    );
    expectFailure(
      await cli(["budget", "create", "--scope", "global", "--period", "daily", "--action", "notify"], admin),
      2,
      "VALIDATION",
      /--tokens, --usd/,
    );
    const missing = uniqueSlug("cli-nobudget");
    expectFailure(
      await cli(
        ["budget", "create", "--scope", `project:${missing}`, "--period", "daily", "--usd", "5", "--action", "notify"],
        admin,
      ),
      5,
      "NOT_FOUND",
      new RegExp(missing),
    );
  });
});

describe("import", () => {
  /** `<tmp>/projects/-tmp-x/<uuid>.jsonl`: a prompt, then one response written twice as it streamed (the second line is larger). */
  async function fixture(): Promise<{ dir: string; project: string; sessionId: string }> {
    const project = uniqueSlug("cli-import");
    const cwd = `/tmp/${project}`;
    const sessionId = randomUUID();
    const [msg, req] = [`msg_${randomUUID().replace(/-/g, "")}`, `req_${randomUUID().replace(/-/g, "")}`];
    const at = new Date(Date.now() - 60_000).toISOString();
    const base = { parentUuid: null, isSidechain: false, userType: "external", cwd, sessionId, version: "2.1.0" };
    const assistant = (output: number) => ({
      ...base,
      type: "assistant",
      requestId: req,
      uuid: randomUUID(),
      timestamp: at,
      message: {
        id: msg,
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5-20250929",
        content: [{ type: "text", text: "Hi" }],
        usage: {
          input_tokens: 10,
          output_tokens: output,
          cache_creation_input_tokens: 100,
          cache_read_input_tokens: 1000,
          cache_creation: { ephemeral_5m_input_tokens: 60, ephemeral_1h_input_tokens: 40 },
        },
      },
    });
    const user = {
      ...base,
      type: "user",
      uuid: randomUUID(),
      timestamp: at,
      message: { role: "user", content: `Say hi to ${project}` },
    };
    const dir = join(await h.freshDir("claude"), "projects");
    await mkdir(join(dir, "-tmp-x"), { recursive: true });
    await writeFile(
      join(dir, "-tmp-x", `${sessionId}.jsonl`),
      [user, assistant(5), assistant(50)].map((l) => JSON.stringify(l)).join("\n") + "\n",
    );
    return { dir, project, sessionId };
  }

  it("imports once (1 record, a project named after the cwd, the transcript archived), counts the larger line, and changes nothing the second time", async () => {
    const { dir, project, sessionId } = await fixture();

    const dry = await cli(["import", "--dir", dir, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe(
      `Dry run: 1 session with 1 usage record in ${dir}, 0 malformed lines skipped; nothing was sent.\n` +
        "By working directory (a new session joins the project at that path, or one is registered there; one already imported stays where it is):\n" +
        `  1 session  /tmp/${project}\n`,
    );
    expect(dry.stderr).toBe("");
    expectFailure(await cli(["projects", "show", project]), 5, "NOT_FOUND");

    const first = await cli(["import", "--dir", dir]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(
      `Imported 1 session: 1 usage record changed, 1 project created (${project}), 1 transcript file archived, 0 malformed lines skipped.\n`,
    );
    // Archived as a runner's agent would: its 3 lines, found by a search, and resumable (after a restore).
    expect(
      await json<{ entryCount: number; resumable: boolean; title: string }>(["sessions", "show", sessionId]),
    ).toMatchObject({ entryCount: 3, resumable: true, title: `Say hi to ${project}` });
    const found = await json<{ sessions: Array<{ id: string }> }>(["sessions", "list", "--search", project]);
    expect(found.sessions.map((s) => s.id)).toEqual([sessionId]);
    expect(first.stderr).toBe(""); // no progress bar when stderr is not a terminal
    expect(await json<{ path: string; tags: string[] }>(["projects", "show", project])).toMatchObject({
      path: `/tmp/${project}`,
      tags: ["imported"],
    });

    const usage = await json<UsageJson>(["usage", "--project", project]);
    expect(usage.rows).toHaveLength(1);
    expect(usage.totals).toMatchObject({
      inputTokens: 10,
      outputTokens: 50,
      cacheWrite5mTokens: 60,
      cacheWrite1hTokens: 40,
      cacheReadTokens: 1000,
      totalTokens: 1160,
      requests: 1,
    });
    const text = await cli(["usage", "--project", project, "--by", "project"]);
    expect(text.stdout).toMatch(new RegExp(`^${project}\\s+10\\s+50\\s+60\\s+40\\s+1,000\\s+1,160\\s+\\$\\d`, "m"));
    expect(text.stdout).toMatch(/^Total\s+10\s+50\s+60\s+40\s+1,000\s+1,160\s+\$/m);

    const again = await json<{
      sessions: number;
      records: number;
      recordsChanged: number;
      projectsCreated: string[];
      malformedLines: number;
    }>(["import", "--dir", dir]);
    // Nothing written since: the file is not read, sent or uploaded again.
    expect(again).toMatchObject({
      sessions: 1,
      sessionsUnchanged: 1,
      records: 0,
      recordsChanged: 0,
      transcriptsArchived: 0,
      bytesRead: 0,
      projectsCreated: [],
      malformedLines: 0,
      dryRun: false,
    });
    // The server lost the session (its database replaced, say): the state does not hide it, it is imported again.
    await h.db.session.delete({ where: { id: sessionId } });
    // (Its usage row outlived it in the ledger, so nothing there changes.)
    expect(await json(["import", "--dir", dir])).toMatchObject({
      sessionsUnchanged: 0,
      records: 1,
      recordsChanged: 0,
      transcriptsArchived: 1,
    });
    expect(await json<{ entryCount: number; title: string }>(["sessions", "show", sessionId])).toMatchObject({
      entryCount: 3,
      title: `Say hi to ${project}`,
    });
    // --from-start reads it whole again, and still changes nothing.
    expect(await json(["import", "--dir", dir, "--from-start"])).toMatchObject({
      sessionsUnchanged: 0,
      records: 1,
      recordsChanged: 0,
      transcriptsArchived: 1,
    });
    expect((await json<UsageJson>(["usage", "--project", project])).totals.totalTokens).toBe(1160);
  });

  it("imports sub-agent files of the layout before Claude Code 2.1.2 with their session, and a session known only from one (counted, not resumable)", async () => {
    const { dir, project, sessionId } = await fixture();
    const other = randomUUID();
    // A sub-agent's response, as claude before 2.1.2 wrote it beside the sessions.
    const subagentLine = (sid: string, id: string, input: number) =>
      JSON.stringify({
        parentUuid: null,
        isSidechain: true,
        userType: "external",
        cwd: `/tmp/${project}`,
        sessionId: sid,
        version: "2.0.77",
        agentId: id.slice(-8),
        type: "assistant",
        requestId: `req_${id}`,
        uuid: randomUUID(),
        timestamp: new Date(Date.now() - 30_000).toISOString(),
        message: {
          id,
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5-20250929",
          content: [{ type: "text", text: "ok" }],
          usage: { input_tokens: input, output_tokens: 1 },
        },
      }) + "\n";
    await writeFile(join(dir, "-tmp-x", "agent-1a2b3c4d.jsonl"), subagentLine(sessionId, "msg_legacy_sub", 7));
    await writeFile(join(dir, "-tmp-x", "agent-5e6f7a8b.jsonl"), subagentLine(other, "msg_legacy_other", 9));

    expect(await json(["import", "--dir", dir])).toMatchObject({ sessions: 2, records: 3, transcriptsArchived: 3 });
    // The fixture's response (10 in, 50 out, 1,100 cached) and the two sub-agents' (7 + 1, 9 + 1).
    const usage = await json<UsageJson>(["usage", "--project", project]);
    expect(usage.totals).toMatchObject({ inputTokens: 10 + 7 + 9, outputTokens: 50 + 1 + 1, requests: 3 });
    expect(await json(["sessions", "show", sessionId])).toMatchObject({ entryCount: 4, resumable: true });
    expect(await json(["sessions", "show", other])).toMatchObject({ entryCount: 1, resumable: false });
  });

  it("importing 200 sessions again asks the server about them in small calls and finds every one unchanged", async () => {
    const dir = join(await h.freshDir("many"), "projects");
    const folder = join(dir, "-tmp-many");
    await mkdir(folder, { recursive: true });
    const cwd = `/tmp/${uniqueSlug("many")}`;
    const made: string[] = [];
    for (let i = 0; i < 200; i++) {
      const sessionId = randomUUID();
      made.push(sessionId);
      const line = {
        type: "user",
        uuid: randomUUID(),
        sessionId,
        cwd,
        timestamp: new Date().toISOString(),
        message: { role: "user", content: `hello ${i}` },
      };
      await writeFile(join(folder, `${sessionId}.jsonl`), `${JSON.stringify(line)}\n`);
    }
    expect(await json(["import", "--dir", dir])).toMatchObject({
      sessions: 200,
      sessionsUnchanged: 0,
      transcriptsArchived: 200,
    });
    // 200 ids would not fit one query's URL (tRPC's 8,000 characters): they go 100 a call.
    expect(await json(["import", "--dir", dir])).toMatchObject({ sessions: 200, sessionsUnchanged: 200, bytesRead: 0 });
    // A prefix finds its session however many there are (the server matches it, not the last 200 listed).
    expect(await json<{ id: string }>(["sessions", "show", made[0]!.slice(0, 8)])).toMatchObject({ id: made[0] });
  }, 120_000);

  it("importing again sends and archives only what claude appended since, and the whole file exports back", async () => {
    const { dir, project, sessionId } = await fixture();
    const file = join(dir, "-tmp-x", `${sessionId}.jsonl`);
    expect((await cli(["import", "--dir", dir])).code).toBe(0);
    const before = (await readFile(file)).length;
    const cwd = `/tmp/${project}`;
    const base = { isSidechain: false, userType: "external", cwd, sessionId, version: "2.1.0" };
    const appended =
      [
        {
          ...base,
          parentUuid: null,
          type: "user",
          uuid: randomUUID(),
          timestamp: new Date().toISOString(),
          message: { role: "user", content: "and again" },
        },
        {
          ...base,
          parentUuid: null,
          type: "assistant",
          requestId: "req_appended",
          uuid: randomUUID(),
          timestamp: new Date().toISOString(),
          message: {
            id: `msg_${randomUUID().replace(/-/g, "")}`,
            type: "message",
            role: "assistant",
            model: "claude-sonnet-4-5-20250929",
            content: [{ type: "text", text: "Hi again" }],
            usage: { input_tokens: 7, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
          },
        },
      ]
        .map((l) => JSON.stringify(l))
        .join("\n") + "\n";
    await appendFile(file, appended);

    const second = await json<{
      records: number;
      recordsChanged: number;
      bytesRead: number;
      transcriptsArchived: number;
    }>(["import", "--dir", dir]);
    // Exactly the appended bytes were read: the one new response, sent and archived.
    expect(second).toMatchObject({
      records: 1,
      recordsChanged: 1,
      bytesRead: Buffer.byteLength(appended),
      transcriptsArchived: 1,
    });
    expect((await readFile(file)).length).toBe(before + Buffer.byteLength(appended));
    expect((await json<UsageJson>(["usage", "--project", project])).totals.totalTokens).toBe(1160 + 10);
    // The archive holds the whole file, in order: 3 lines, then the 2 appended; the title stays the first prompt.
    expect(await json<{ entryCount: number; title: string }>(["sessions", "show", sessionId])).toMatchObject({
      entryCount: 5,
      title: `Say hi to ${project}`,
    });
    const out = join(await h.freshDir("reexport"), "out.jsonl");
    expect((await cli(["export", sessionId, "--format", "jsonl", "-o", out])).code).toBe(0);
    expect(await readFile(out)).toEqual(await readFile(file));
  });

  it("imports lines that are not valid text (bad UTF-8, NUL, CRLF) and a 2.5 MB line, and exports the file back byte for byte", async () => {
    const { dir, sessionId } = await fixture();
    const path = join(dir, "-tmp-x", `${sessionId}.jsonl`);
    const line = (content: string) =>
      JSON.stringify({ type: "user", uuid: randomUUID(), sessionId, message: { role: "user", content } });
    const [before, after] = line("BADBYTES").split("BADBYTES") as [string, string];
    await appendFile(
      path,
      Buffer.concat([
        Buffer.from(before),
        Buffer.from([0xff, 0xc3, 0x28]),
        Buffer.from(`${after}\n${line("windows")}\r\n${line("z".repeat(2_500_000))}\n`),
        Buffer.from([0x7b, 0x00, 0x7d, 0x0a]),
      ]),
    );
    const imported = await cli(["import", "--dir", dir]);
    expect(imported.code, imported.stderr).toBe(0);
    const out = join(await h.freshDir("exact"), "out.jsonl");
    const exported = await cli(["export", sessionId, "--format", "jsonl", "-o", out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect((await readFile(out)).equals(await readFile(path))).toBe(true);
  });

  it("fails with NOT_FOUND (exit 5) for a missing folder, and needs no login for a dry run", async () => {
    expectFailure(await cli(["import", "--dir", join(h.tmp, "nope")]), 5, "NOT_FOUND", /--dir/);
    const empty = await h.freshDir("empty");
    const r = await h.run(["import", "--dir", empty, "--dry-run"], { configDir: await h.freshDir("nologin") });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`No Claude Code sessions in ${empty}.\n`);
    // Without --dir: $CLAUDE_CONFIG_DIR/projects.
    const viaEnv = await h.run(["import", "--dry-run"], {
      configDir: await h.freshDir("nologin"),
      env: { CLAUDE_CONFIG_DIR: join(h.tmp, "no-claude") },
    });
    expectFailure(viaEnv, 5, "NOT_FOUND", new RegExp(`${join(h.tmp, "no-claude", "projects")}`));
  });

  it.skipIf(!hasTtyRunner)("draws a progress bar on a terminal", async () => {
    const { dir } = await fixture();
    const r = await h.runInTty(["import", "--dir", dir, "--dry-run"], { ...as(operator), stdin: "" });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain("[########################] 1/1 sessions, 1 record");
    // The bar is erased before the summary, so the summary starts on a clean line.
    expect(r.stdout).toContain("\r\x1b[KDry run: 1 session");
  });
});
