import { describe, expect, it } from "vitest";
import { SpentReports } from "./spent-reports.ts";

const spent = (runnerId: string) => ({ runnerId, budgetId: "b", budgetName: "cap", spentTokens: 10, spentUsd: 0 });
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("reports of spent allowances", () => {
  it("are sent again on retry until the server confirms them, one attempt at a time per runner", async () => {
    const answers = [false, false, true];
    const sent: string[] = [];
    let release: (() => void) | null = null;
    const reports = new SpentReports(async (s) => {
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
    const reports = new SpentReports(() => Promise.reject(new Error("disconnected")));
    reports.report(spent("r1"));
    reports.report(spent("r2"));
    await settle();
    expect(reports.pending()).toBe(2);
    reports.drop("r1");
    expect(reports.pending()).toBe(1);
  });
});
