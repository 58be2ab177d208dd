import { describe, expect, it } from "vitest";
import { SHIPPED_PRICES, type Allowance, type UsageRecordInput } from "@stratavore/contracts";
import { SpendMeter } from "./spend-meter.ts";

const RUNNER = "11111111-1111-4111-8111-111111111111";
const BUDGET = "22222222-2222-4222-8222-222222222222";
const START = Date.parse("2026-11-30T10:00:00Z");
const prices = { version: "test", prices: SHIPPED_PRICES };

const record = (id: string, output: number, at = START + 1000, model = "claude-sonnet-4-5"): UsageRecordInput => ({
  messageId: id,
  requestId: null,
  sessionId: "s",
  model,
  serviceTier: null,
  speed: null,
  inputTokens: 0,
  outputTokens: output,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  cacheReadTokens: 0,
  webSearchRequests: 0,
  webFetchRequests: 0,
  isSidechain: false,
  occurredAt: new Date(at).toISOString(),
});
const allowance = (a: Partial<Allowance>): Allowance => ({
  runnerId: RUNNER,
  budgetId: BUDGET,
  budgetName: "cap",
  tokens: null,
  usd: null,
  baseTokens: 0,
  baseUsd: 0,
  ...a,
});

function meterWith(a: Partial<Allowance>): SpendMeter {
  const m = new SpendMeter();
  m.start(RUNNER, undefined, START);
  expect(m.setAllowances({ runnerIds: [RUNNER], items: [allowance(a)], prices })).toEqual([]);
  return m;
}

describe("the agent's spend meter (pre-emptive budgets)", () => {
  it("reports the allowance spent by exactly the response that crosses it, once", () => {
    const m = meterWith({ tokens: 1000 });
    expect(m.add(RUNNER, [record("a", 300), record("b", 300), record("c", 300)])).toEqual([]);
    // 900 so far; the fourth response brings 1200 ≥ 1000.
    expect(m.add(RUNNER, [record("d", 300)])).toEqual([
      { runnerId: RUNNER, budgetId: BUDGET, budgetName: "cap", spentTokens: 1200, spentUsd: expect.any(Number) },
    ]);
    expect(m.add(RUNNER, [record("e", 300)])).toEqual([]); // reported already
  });

  it("counts a response once at its largest line, and ignores history older than the runner (resume and fork repeats)", () => {
    const m = meterWith({ tokens: 1000 });
    expect(m.add(RUNNER, [record("old", 5000, START - 60_000)])).toEqual([]);
    expect(m.add(RUNNER, [record("a", 400), record("a", 900)])).toEqual([]); // a streaming response: 900, not 1300
    expect(m.add(RUNNER, [record("a", 900)])).toEqual([]); // a replay of it
    expect(m.add(RUNNER, [record("a", 1000)])).toHaveLength(1); // it grew to 1000
  });

  it("measures spend beyond the runner's ledger total when the allowance was computed; a new allowance re-arms", () => {
    const m = meterWith({ tokens: 500, baseTokens: 0 });
    expect(m.add(RUNNER, [record("a", 600)])).toHaveLength(1);
    // The server saw those 600 and gives a fresh share of 500 on top of them.
    expect(
      m.setAllowances({ runnerIds: [RUNNER], items: [allowance({ tokens: 500, baseTokens: 600 })], prices }),
    ).toEqual([]);
    expect(m.add(RUNNER, [record("b", 499)])).toEqual([]);
    expect(m.add(RUNNER, [record("c", 1)])).toMatchObject([{ spentTokens: 500 }]);
    // A share of nothing is spent at once; no allowance at all is never spent.
    expect(
      m.setAllowances({ runnerIds: [RUNNER], items: [allowance({ tokens: 0, baseTokens: 1100 })], prices }),
    ).toHaveLength(1);
    expect(m.setAllowances({ runnerIds: [RUNNER], items: [], prices })).toEqual([]);
    expect(m.add(RUNNER, [record("d", 1_000_000)])).toEqual([]);
  });

  it("values usage in dollars with the server's prices (estimated ones included) for a USD allowance", () => {
    // claude-sonnet-4-5 output $15/M: 1000 tokens = $0.015; claude-opus-5-5 is estimated at claude-opus-5's $25/M.
    const m = meterWith({ usd: 0.05 });
    expect(m.add(RUNNER, [record("a", 1000), record("b", 1000)])).toEqual([]); // $0.030
    expect(m.add(RUNNER, [record("c", 1000, START + 2000, "claude-opus-5-5")])).toMatchObject([{ spentTokens: 3000 }]); // + $0.025 = $0.055
    const spent = new SpendMeter();
    spent.start(RUNNER, undefined, START);
    spent.setAllowances({ runnerIds: [RUNNER], items: [allowance({ usd: 0.055 })], prices });
    expect(
      spent.add(RUNNER, [record("a", 1000), record("b", 1000), record("c", 1000, START + 2000, "claude-opus-5-5")])[0]
        ?.spentUsd,
    ).toBeCloseTo(0.055, 9);
  });

  it("watches a runner from its first line when its launch carried the allowance, before any push", () => {
    const m = new SpendMeter();
    m.start(RUNNER, { items: [allowance({ tokens: 1000 })], prices }, START);
    expect(m.watching(RUNNER)).toBe(true);
    expect(m.add(RUNNER, [record("a", 999)])).toEqual([]);
    expect(m.add(RUNNER, [record("b", 1)])).toMatchObject([{ spentTokens: 1000 }]);
    // A launch without budgets leaves it unwatched; other runners' allowances are not taken.
    const other = new SpendMeter();
    other.start(
      RUNNER,
      { items: [allowance({ runnerId: "33333333-3333-4333-8333-333333333333", tokens: 1 })], prices },
      START,
    );
    expect(other.watching(RUNNER)).toBe(false);
  });

  it("a runner thawed with its allowance still spent is reported again at its next line, not never", () => {
    const m = meterWith({ tokens: 100 });
    expect(m.add(RUNNER, [record("a", 150)])).toHaveLength(1);
    expect(m.add(RUNNER, [record("b", 10)])).toEqual([]); // frozen meanwhile: reported once
    // What a resume is checked against: still spent, reported or not.
    expect(m.spent(RUNNER)).toMatchObject([{ budgetId: BUDGET, spentTokens: 160 }]);
    m.thawed(RUNNER);
    expect(m.add(RUNNER, [record("c", 10)])).toMatchObject([{ spentTokens: 170 }]);
    // A fresh share on top of what the ledger has seen: no longer spent.
    m.setAllowances({ runnerIds: [RUNNER], items: [allowance({ tokens: 100, baseTokens: 170 })], prices });
    expect(m.spent(RUNNER)).toEqual([]);
  });
});
