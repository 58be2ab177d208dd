import { describe, expect, it } from "vitest";
import { toastWanted } from "./toast-wanted";

describe("toastWanted", () => {
  const budget = { type: "budget.exceeded", severity: "critical" } as const;
  const started = { type: "runner.started", severity: "info" } as const;

  it("takes every type at or above the severity when none is ticked", () => {
    expect(toastWanted({ toastSeverity: "warning", toastEvents: [] }, budget)).toBe(true);
    expect(toastWanted({ toastSeverity: "warning", toastEvents: [] }, started)).toBe(false);
    expect(toastWanted({ toastSeverity: "info", toastEvents: [] }, started)).toBe(true);
  });

  it("takes only the ticked types, still above the severity", () => {
    const prefs = { toastSeverity: "info", toastEvents: ["runner.started"] } as const;
    expect(toastWanted({ ...prefs, toastEvents: [...prefs.toastEvents] }, started)).toBe(true);
    expect(toastWanted({ ...prefs, toastEvents: [...prefs.toastEvents] }, budget)).toBe(false);
    expect(toastWanted({ toastSeverity: "critical", toastEvents: ["runner.started"] }, started)).toBe(false);
  });

  it("takes nothing when off", () => {
    expect(toastWanted({ toastSeverity: "off", toastEvents: [] }, budget)).toBe(false);
  });
});
