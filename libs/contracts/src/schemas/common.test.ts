import { describe, expect, it } from "vitest";
import { boundedDate } from "./common.ts";

describe("boundedDate", () => {
  it("says what a date looks like when a string is none, and bounds the years", () => {
    const message = (v: unknown) => boundedDate.safeParse(v).error?.issues[0]?.message;
    // Was "Invalid input: expected date, received Date" (REST `?since=2026-99-99`).
    expect(message("2026-99-99")).toBe("must be a date, such as 2026-12-02 or 2026-12-02T09:30:00Z");
    expect(message("0000-01-01T00:00:00Z")).toBe("must be in 1970 or later");
    expect(boundedDate.parse("2026-12-02")).toEqual(new Date("2026-12-02T00:00:00Z"));
  });
});
