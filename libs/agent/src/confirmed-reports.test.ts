import { describe, expect, it } from "vitest";
import { ConfirmedReports } from "./confirmed-reports.ts";

const spent = (runnerId: string) => ({ runnerId, budgetId: "b", budgetName: "cap", spentTokens: 10, spentUsd: 0 });
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("reports the server must confirm (spent allowances, exits)", () => {
  it("are sent again on retry until the server confirms them, one attempt at a time per runner", async () => {
    const answers = [false, false, true];
    const sent: string[] = [];
    let release: (() => void) | null = null;
    const reports = new ConfirmedReports(async (s) => {
      sent.push(s.runnerId);
      await new Promise<void>((r) => (release = r));
      return answers.shift() ?? true;
    });
    reports.report(spent("r1"));
    reports.retry(); // still in flight: not sent twice
    expect(sent).toEqual(["r1"]);
    release!();
    await settle();
    expect(reports.pending()).toBe(1);
    reports.retry();
    release!();
    await settle();
    reports.retry();
    release!();
    await settle();
    expect(sent).toEqual(["r1", "r1", "r1"]);
    expect(reports.pending()).toBe(0);
    reports.retry();
    expect(sent).toHaveLength(3);
  });

  it("a failed send (disconnect) counts as unconfirmed; a thawed runner's report is dropped", async () => {
    const reports = new ConfirmedReports(() => Promise.reject(new Error("disconnected")));
    reports.report(spent("r1"));
    reports.report(spent("r2"));
    await settle();
    expect(reports.pending()).toBe(2);
    reports.drop("r1");
    expect(reports.pending()).toBe(1);
  });

  it("settled() waits for the last confirmation, and gives up after its timeout", async () => {
    let confirm: ((ok: boolean) => void) | null = null;
    const reports = new ConfirmedReports<{ runnerId: string }>(() => new Promise((r) => (confirm = r)));
    expect(await reports.settled(10)).toBe(true);
    reports.report({ runnerId: "r1" });
    let result: boolean | null = null;
    const waiting = reports.settled(60_000).then((all) => (result = all));
    await settle();
    expect(result).toBeNull();
    confirm!(false); // not taken: still waiting
    await settle();
    expect(result).toBeNull();
    reports.retry();
    confirm!(true);
    await waiting;
    expect(result).toBe(true);
    reports.report({ runnerId: "r2" });
    expect(await reports.settled(20)).toBe(false);
    expect(reports.pending()).toBe(1);
  });

  it("a newer report for a runner goes as soon as the one in flight is answered, not at the next retry", async () => {
    const sent: string[] = [];
    let release: (() => void) | null = null;
    const reports = new ConfirmedReports<{ runnerId: string; sessionId: string }>(async (r) => {
      sent.push(r.sessionId);
      await new Promise<void>((res) => (release = res));
      return true;
    });
    reports.report({ runnerId: "r1", sessionId: "s1" });
    reports.report({ runnerId: "r1", sessionId: "s2" }); // s1 in flight: s2 waits
    expect(sent).toEqual(["s1"]);
    release!();
    await settle();
    expect(sent).toEqual(["s1", "s2"]);
    expect(reports.pending()).toBe(1);
    release!();
    await settle();
    expect(reports.pending()).toBe(0);
  });
});
