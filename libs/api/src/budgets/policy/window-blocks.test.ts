import { describe, expect, it } from "vitest";
import { currentWindow } from "./window-blocks.ts";

const at = (hhmm: string, day = "2026-12-01") => new Date(`${day}T${hhmm}:00Z`);

describe("currentWindow", () => {
  it("starts at the hour of the first use and lasts five hours", () => {
    // 13:59 still falls in 09:00–14:00; at 14:10 that window is over and none has begun.
    expect(currentWindow([at("09:40"), at("10:15"), at("13:59")], at("14:10"))).toEqual({
      start: at("14:00"),
      end: at("19:00"),
      active: false,
    });
    expect(currentWindow([at("09:40"), at("10:15")], at("13:30"))).toEqual({
      start: at("09:00"),
      end: at("14:00"),
      active: true,
    });
  });

  it("a use after a block ended starts the next one at its own hour, whatever came before", () => {
    // 08:20 opens 08:00–13:00; 13:05 is past it and opens 13:00–18:00; 17:30 is inside that.
    const w = currentWindow([at("17:30"), at("08:20"), at("13:05"), at("12:59")], at("17:45"));
    expect(w).toEqual({ start: at("13:00"), end: at("18:00"), active: true });
  });

  it("with nothing running, the next window would start this hour; uses after now are ignored", () => {
    expect(currentWindow([], at("11:25"))).toEqual({ start: at("11:00"), end: at("16:00"), active: false });
    expect(currentWindow([at("02:00"), at("12:00")], at("11:25"))).toEqual({
      start: at("11:00"),
      end: at("16:00"),
      active: false,
    });
  });
});
