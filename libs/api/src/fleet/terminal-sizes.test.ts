import { describe, expect, it } from "vitest";
import { TerminalSizes } from "./terminal-sizes.ts";

describe("TerminalSizes", () => {
  it("puts the desktop's size back when the phone that resized last leaves", () => {
    const sizes = new TerminalSizes();
    sizes.set("r", "desktop", { cols: 120, rows: 31 });
    sizes.set("r", "phone", { cols: 39, rows: 30 });
    expect(sizes.leave("r", "phone")).toEqual({ cols: 120, rows: 31 });
    // The desktop is now the only one: it leaving changes nothing more.
    expect(sizes.leave("r", "desktop")).toBeNull();
  });

  it("changes nothing when a viewer whose size is not in force leaves, or one never seen", () => {
    const sizes = new TerminalSizes();
    sizes.set("r", "phone", { cols: 39, rows: 30 });
    sizes.set("r", "desktop", { cols: 120, rows: 31 });
    expect(sizes.leave("r", "phone")).toBeNull();
    expect(sizes.leave("r", "nobody")).toBeNull();
    expect(sizes.leave("other", "desktop")).toBeNull();
  });

  it("a closed socket leaves every runner it sized", () => {
    const sizes = new TerminalSizes();
    sizes.set("a", "desktop", { cols: 100, rows: 30 });
    sizes.set("b", "desktop", { cols: 90, rows: 20 });
    sizes.set("a", "phone", { cols: 39, rows: 30 });
    sizes.set("b", "phone", { cols: 39, rows: 30 });
    expect(sizes.leaveAll("phone")).toEqual([
      { runnerId: "a", size: { cols: 100, rows: 30 } },
      { runnerId: "b", size: { cols: 90, rows: 20 } },
    ]);
  });
});
