import { describe, expect, it } from "vitest";
import { screenRetry } from "./watchdog.ts";

describe("screenRetry", () => {
  it("reads claude 2.1.328's retry line (as its screen showed it against a stand-in answering 429)", () => {
    expect(
      screenRetry(
        "✻ 429 Number of request tokens has exceeded your per-minute rate limit · retrying in 20s · attempt 8/10",
      ),
    ).toEqual({
      status: "429",
      message: "Number of request tokens has exceeded your per-minute rate limit",
      attempt: 8,
      of: 10,
    });
    expect(screenRetry("✻ 529 Overloaded · retrying in 1s · attempt 1/10")).toMatchObject({
      status: "529",
      attempt: 1,
    });
  });

  it("leaves every other line alone", () => {
    for (const line of [
      null,
      "",
      "✻ Thinking… (esc to interrupt)",
      "echo: attempt 3/10",
      "API Error: 400 stub says no",
    ])
      expect(screenRetry(line)).toBeNull();
  });
});
