import { describe, expect, it } from "vitest";
import type { Budget, UsageRecordInput, UsageRow } from "@stratavore/contracts";
import { limitOrNull, orNone, scopeArg, tokensArg, usdArg } from "./budget-options.ts";
import { budgetDetail, budgetTable } from "./budget-view.ts";
import { defaultBudgetName, freeName } from "./commands/budget-commands.ts";
import { describeImport } from "./commands/import-command.ts";
import { sinceArg, untilArg } from "./date-range.ts";
import { ImportBatcher, splitSession, type ImportSession } from "./import-batches.ts";
import { formatCompact } from "./output.ts";
import { renderBar } from "./progress.ts";
import { formatCost, usageTable } from "./usage-view.ts";

const row = (label: string, n: number, extra: Partial<UsageRow> = {}): UsageRow => ({
  group: label,
  label,
  inputTokens: n,
  outputTokens: 2 * n,
  cacheWrite5mTokens: 3 * n,
  cacheWrite1hTokens: 0,
  cacheReadTokens: 10 * n,
  totalTokens: 16 * n,
  costUsd: n / 1000,
  estimatedCostUsd: 0,
  costEstimated: false,
  unpricedTokens: 0,
  requests: 1,
  webSearchRequests: 0,
  ...extra,
});

describe("usage report", () => {
  it("formats compact counts and costs with unpriced tokens apart", () => {
    expect([
      formatCompact(950),
      formatCompact(4_500),
      formatCompact(999_990),
      formatCompact(12_345_678),
      formatCompact(2e9),
    ]).toEqual(["950", "4.5k", "1M", "12.3M", "2B"]);
    expect(formatCost(1.234, 0)).toBe("$1.23");
    expect(formatCost(1.234, 4_500)).toBe("$1.23 + 4.5k unpriced");
    // Estimated prices in the figure: "~$"; nothing priced at all: no dollar figure, never $0.00.
    expect(formatCost(1.234, 0, 0.5)).toBe("~$1.23");
    expect(formatCost(1.234, 4_500, 0.5)).toBe("~$1.23 + 4.5k unpriced");
    expect(formatCost(null, 12_345)).toBe("unpriced (12.3k tokens)");
    expect(formatCost(0, 100)).toBe("unpriced (100 tokens)");
  });

  it("renders a row per group, a rule and a Total row, numbers right-aligned", () => {
    const rows = [row("2026-01-01", 1000), row("2026-01-02", 20, { unpricedTokens: 4_500 })];
    const totals = { ...row("Total", 1020), unpricedTokens: 4_500 };
    const lines = usageTable("day", rows, totals).split("\n");
    expect(lines[0]).toMatch(/^DATE\s+INPUT\s+OUTPUT\s+CACHE WRITE 5M\s+CACHE WRITE 1H\s+CACHE READ\s+TOTAL\s+COST$/);
    expect(lines[1]).toMatch(/^2026-01-01\s+1,000\s+2,000\s+3,000\s+0\s+10,000\s+16,000\s+\$1\.00$/);
    expect(lines[2]).toMatch(/^2026-01-02\s+20\s+40\s+60\s+0\s+200\s+320\s+\$0\.02 \+ 4\.5k unpriced$/);
    expect(lines[3]).toMatch(/^-+( +-+){7}$/);
    expect(lines[4]).toMatch(/^Total\s+1,020\s+2,040\s+3,060\s+0\s+10,200\s+16,320\s+\$1\.02 \+ 4\.5k unpriced$/);
    // Costs of different widths end in one column, as every figure does.
    expect(new Set(lines.filter((l) => !l.startsWith("-")).map((l) => l.length)).size).toBe(1);
    // Right-aligned: every TOTAL cell ends where the header's does.
    const end = (lines[0] ?? "").indexOf("TOTAL") + "TOTAL".length;
    for (const l of lines) expect([l, l.slice(end - 1, end + 1)]).toEqual([l, expect.stringMatching(/^\S $/)]);
  });

  it("adds a web searches column when the range has any", () => {
    const rows = [row("2026-01-01", 1000, { webSearchRequests: 3 }), row("2026-01-02", 20, { costUsd: 12.5 })];
    const totals = row("Total", 1020, { webSearchRequests: 3 });
    const lines = usageTable("day", rows, totals).split("\n");
    expect(lines[0]).toMatch(/\s+TOTAL\s+WEB SEARCHES\s+COST$/);
    expect(lines[1]).toMatch(/\s16,000\s+3\s+\$1\.00$/);
    expect(lines[2]).toMatch(/\s320\s+0\s+\$12\.50$/);
    expect(lines[4]).toMatch(/^Total\s.*\s16,320\s+3\s+\$1\.02$/);
    // Costs of different widths end in one column, as every figure does.
    expect(new Set(lines.filter((l) => !l.startsWith("-")).map((l) => l.length)).size).toBe(1);
  });

  it("shows months as YYYY-MM", () => {
    expect(usageTable("month", [row("2026-01-01", 1)], row("Total", 1)).split("\n")[1]).toMatch(/^2026-01\s/);
  });

  it("parses --since and --until as local days (until inclusive) or ISO timestamps", () => {
    expect(sinceArg("2026-01-05").getTime()).toBe(new Date(2026, 0, 5).getTime());
    expect(sinceArg("20260105").getTime()).toBe(new Date(2026, 0, 5).getTime());
    expect(untilArg("2026-01-31").getTime()).toBe(new Date(2026, 1, 1).getTime());
    expect(untilArg("2026-01-05T10:00:00Z").toISOString()).toBe("2026-01-05T10:00:00.000Z");
    expect(sinceArg("2026-01-05T10:00+02:00").toISOString()).toBe("2026-01-05T08:00:00.000Z");
    expect(() => sinceArg("2026-02-30")).toThrow(/not a calendar date/);
    expect(() => sinceArg("yesterday")).toThrow(/YYYY-MM-DD/);
  });
});

describe("budget options and view", () => {
  it("parses scopes, limits and 'none'", () => {
    expect(scopeArg("global")).toEqual({ scope: "global" });
    expect(scopeArg("project:web")).toEqual({ scope: "project", scopeRef: "web" });
    expect(scopeArg("runner:1a2b3c4d")).toEqual({ scope: "runner", scopeRef: "1a2b3c4d" });
    for (const bad of ["project", "project:", "team:x", "Global"])
      expect(() => scopeArg(bad)).toThrow(/global, project:/);
    expect([tokensArg("500000"), tokensArg("2.5M"), tokensArg("10k"), tokensArg("1_000")]).toEqual([
      500_000, 2_500_000, 10_000, 1000,
    ]);
    for (const bad of ["0", "-5", "1.5", "lots"]) expect(() => tokensArg(bad)).toThrow(/whole number/);
    expect([usdArg("25"), usdArg("$12.50")]).toEqual([25, 12.5]);
    expect(() => usdArg("0")).toThrow(/positive/);
    expect([orNone(usdArg)("None"), orNone(usdArg)("3")]).toEqual(["none", 3]);
    expect([limitOrNull("none"), limitOrNull(3), limitOrNull(undefined)]).toEqual([null, 3, undefined]);
    expect(defaultBudgetName({ scope: "project", scopeRef: "web" }, "daily")).toBe("project web daily");
    expect(defaultBudgetName({ scope: "runner", scopeRef: "1a2b3c4d-0000-4000-8000-000000000000" }, "hourly")).toBe(
      "runner 1a2b3c4d hourly",
    );
    expect(defaultBudgetName({ scope: "global" }, "monthly")).toBe("global monthly");
    // A second of the same scope and period is told apart (two "project real1 daily" made `budget edit` ambiguous).
    expect(freeName("project web daily", [])).toBe("project web daily");
    expect(freeName("project web daily", ["project web daily", "project web daily 2"])).toBe("project web daily 3");
  });

  it("lists usage against limits, the state, and when the period resets", () => {
    const b: Budget = {
      id: "1a2b3c4d-0000-4000-8000-000000000000",
      name: "project web daily",
      scope: "project",
      scopeId: "x",
      scopeLabel: "project web",
      period: "daily",
      limitTokens: 2_000_000,
      limitUsd: null,
      warnPercent: 80,
      action: "block_launch",
      enabled: true,
      periodStart: new Date("2026-01-01T00:00:00Z"),
      periodEnd: new Date("2026-01-02T00:00:00Z"),
      usedTokens: 1_700_000,
      usedUsd: 3.5,
      estimatedUsd: 0,
      unpricedTokens: 0,
      fraction: 0.85,
      state: "warning",
      createdAt: new Date("2026-01-01T00:00:00Z"),
    };
    const lines = budgetTable([b, { ...b, enabled: false }]).split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+SCOPE\s+PERIOD\s+TOKENS\s+USD\s+USED\s+STATE\s+ACTION\s+RESETS$/);
    expect(lines[1]).toMatch(
      /^1a2b3c4d\s+project web daily\s+project web\s+daily\s+1\.7M \/ 2M\s+\$3\.50 \/ -\s+85\.0%\s+warning\s+block_launch\s+2026-01-02T00:00:00Z$/,
    );
    expect(lines[2]).toMatch(/\s+disabled\s+/);
    // A USD budget over estimated prices says "~"; over unpriced usage it says what it cannot see.
    const usd = budgetTable([
      { ...b, limitTokens: null, limitUsd: 20, usedUsd: 4.5, estimatedUsd: 4.5, unpricedTokens: 12_000 },
    ]).split("\n");
    expect(usd[1]).toMatch(/\s~\$4\.50 \/ \$20\.00 \+12k unpriced\s/);
    // Only unpriced spend under a dollar limit: the share is a lower bound, never a plain "0 %".
    const blind = {
      ...b,
      limitTokens: null,
      limitUsd: 5,
      usedUsd: 0,
      unpricedTokens: 5_000_000,
      fraction: 0,
      state: "ok" as const,
    };
    expect(budgetTable([blind]).split("\n")[1]).toMatch(/\s≥0\.0%\s+ok\s/);
    expect(budgetDetail(blind)).toMatch(
      /Used:\s+≥0\.0% \(ok\); the dollars are a lower bound: some usage has no price/,
    );
    // Priced spend alone reads plainly.
    expect(budgetTable([{ ...blind, unpricedTokens: 0 }]).split("\n")[1]).toMatch(/\s0\.0%\s+ok\s/);
  });
});

const record = (i: number): UsageRecordInput => ({
  messageId: `msg_${i}`,
  requestId: `req_${i}`,
  sessionId: "s",
  model: "claude-sonnet-4-5",
  serviceTier: "standard",
  speed: null,
  inputTokens: 1,
  outputTokens: 2,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  cacheReadTokens: 0,
  webSearchRequests: 0,
  webFetchRequests: 0,
  isSidechain: false,
  occurredAt: "2026-01-01T00:00:00.000Z",
});
const session = (id: string, n: number): ImportSession => ({
  sessionId: id,
  cwd: "/w",
  title: null,
  firstAt: null,
  lastAt: null,
  messageCount: n,
  records: Array.from({ length: n }, (_, i) => record(i)),
});

describe("import batches", () => {
  it("keeps calls within the session, record and byte limits", () => {
    const limits = { sessions: 3, records: 10, bytes: 1_000_000 };
    const batcher = new ImportBatcher(limits);
    const sent = [
      ...batcher.add(session("a", 4)),
      ...batcher.add(session("b", 4)),
      ...batcher.add(session("c", 4)),
      ...batcher.add(session("d", 0)),
      ...batcher.add(session("e", 0)),
    ];
    sent.push(batcher.flush() ?? []);
    expect(sent.map((b) => b.map((s) => `${s.sessionId}${s.records.length}`))).toEqual([
      ["a4", "b4"],
      ["c4", "d0", "e0"],
    ]);
    expect(batcher.flush()).toBeNull();
  });

  it("splits a session bigger than one call into parts with the same metadata", () => {
    const parts = splitSession(session("big", 25), { sessions: 20, records: 10, bytes: 1_000_000 });
    expect(parts.map((p) => p.part.records.length)).toEqual([10, 10, 5]);
    expect(new Set(parts.map((p) => p.part.sessionId))).toEqual(new Set(["big"]));
    const bytes = JSON.stringify(record(0)).length * 4;
    const bySize = splitSession(session("wide", 9), { sessions: 20, records: 100, bytes });
    expect(bySize.length).toBeGreaterThan(2);
    expect(bySize.every((p) => p.bytes <= bytes)).toBe(true);
    expect(bySize.flatMap((p) => p.part.records).map((r) => r.messageId)).toEqual(
      session("wide", 9).records.map((r) => r.messageId),
    );
  });

  it("describes the outcome and draws the bar", () => {
    const base = {
      dir: "/h/.claude/projects",
      dryRun: false,
      sessions: 2,
      records: 5,
      recordsChanged: 1,
      projectsCreated: ["x"],
      malformedLines: 0,
      transcriptsArchived: 3,
      sessionsUnchanged: 0,
      bytesRead: 2048,
      byCwd: [
        { cwd: "/home/u/web", sessions: 1 },
        { cwd: null, sessions: 1 },
      ],
      skippedFiles: 0,
      skippedExamples: [],
    };
    expect(describeImport(base)).toBe(
      "Imported 2 sessions: 1 usage record changed, 1 project created (x), 3 transcript files archived, 0 malformed lines skipped.",
    );
    expect(describeImport({ ...base, sessionsUnchanged: 1 })).toBe(
      "Imported 2 sessions (1 unchanged since the last import, not read again): 1 usage record changed, 1 project created (x), 3 transcript files archived, 0 malformed lines skipped.",
    );
    expect(describeImport({ ...base, dryRun: true, malformedLines: 1 })).toBe(
      "Dry run: 2 sessions with 5 usage records in /h/.claude/projects, 1 malformed line skipped; nothing was sent.\n" +
        "By working directory (a new session joins the project at that path, or one is registered there; one already imported stays where it is):\n" +
        "  1 session  /home/u/web\n" +
        "  1 session  (no directory recorded: no project)",
    );
    // Files it did not read are named, never passed over in silence (their spend is not counted).
    const skipped = ["/p/a/copy-of-x.jsonl", "/p/a/backup/y.jsonl"];
    expect(describeImport({ ...base, skippedFiles: 7, skippedExamples: skipped })).toBe(
      "Imported 2 sessions: 1 usage record changed, 1 project created (x), 3 transcript files archived, 0 malformed lines skipped.\n" +
        "Not read: 7 .jsonl files not Claude Code transcripts by name (<session id>.jsonl in a project folder, or a sub-agent file) or by content (not JSON lines); their usage is not counted:\n" +
        "  /p/a/copy-of-x.jsonl\n" +
        "  /p/a/backup/y.jsonl\n" +
        "  …and 5 more",
    );
    expect(renderBar(12, 48)).toBe("[######------------------] 12/48");
    expect(renderBar(0, 0)).toBe("[########################] 0/0");
  });
});
