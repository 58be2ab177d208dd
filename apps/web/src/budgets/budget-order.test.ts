import { describe, expect, it } from "vitest";
import type { Budget } from "@stratavore/contracts";
import { bySeverity } from "./budget-order";

const b = (name: string, state: Budget["state"], fraction: number, enabled = true) =>
  ({ name, state, fraction, enabled }) as Budget;

describe("bySeverity", () => {
  it("puts exceeded budgets first, then warnings, then the rest, most spent first, disabled ones last", () => {
    const list = [
      b("quiet", "ok", 0.1),
      b("off", "exceeded", 2, false),
      b("warn-a", "warning", 0.85),
      b("over", "exceeded", 1.2),
      b("warn-b", "warning", 0.95),
      b("busy", "ok", 0.6),
    ];
    expect(bySeverity(list).map((x) => x.name)).toEqual(["over", "warn-b", "warn-a", "busy", "quiet", "off"]);
  });
});
