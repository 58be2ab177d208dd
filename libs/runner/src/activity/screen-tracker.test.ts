import { describe, expect, it } from "vitest";
import { ScreenTracker } from "./screen-tracker.ts";

describe("ScreenTracker", () => {
  it("reads the screen as drawn, not the raw stream: a redrawn spinner line is one line", async () => {
    let t = 1_000;
    const s = new ScreenTracker(60, 8, () => t);
    s.write("> run the tests\r\n● Running the tests\r\n");
    // A spinner redrawn in place three times, then the footer of a running turn.
    for (const f of ["✻ Thinking… (1s)", "✽ Thinking… (2s)", "✶ Thinking… (3s)"]) s.write(`\r\x1b[2K${f}`);
    s.write("\r\n  accept edits on · esc to interrupt");
    await s.flush();
    t = 2_000;
    expect(s.sample()).toEqual({ state: "working", line: "Running the tests", at: 2_000 });
    s.dispose();
  });

  it("keeps the time of the last change while the screen stays the same, and moves it on a change", async () => {
    let t = 1_000;
    const s = new ScreenTracker(60, 8, () => t);
    s.write("> hi\r\nhello there\r\n> ");
    await s.flush();
    t = 2_000;
    expect(s.sample()).toEqual({ state: "idle", line: "hello there", at: 2_000 });
    // A redraw of the same screen (the cursor moved, nothing else) is no activity.
    s.write("\x1b[3;3H");
    await s.flush();
    t = 9_000;
    expect(s.sample().at).toBe(2_000);
    // A permission dialog is.
    s.write("\r\n Do you want to proceed?\r\n ❯ 1. Yes\r\n   2. No\r\n Esc to cancel");
    await s.flush();
    t = 12_000;
    expect(s.sample()).toEqual({ state: "waiting", line: "Do you want to proceed?", at: 12_000 });
    s.dispose();
  });

  it("a spinner that only animates is no activity; its token counter moving is", async () => {
    let t = 1_000;
    const s = new ScreenTracker(70, 8, () => t);
    // Claude 2.1.328's spinner line, as recorded (fixtures/claude-2.1.328-working.txt).
    s.write("❯ please run the work script\r\n✽ Swirling… (2s · ↓ 21 tokens)\r\n  esc to interrupt");
    await s.flush();
    expect(s.sample()).toMatchObject({ state: "working", at: 1_000 });
    // Glyph, word and elapsed time change every second while the API call hangs.
    for (const [n, f] of [
      [2, "✶ Swirling… (3s · ↓ 21 tokens)"],
      [3, "✳ Pondering… (9s · ↓ 21 tokens)"],
    ] as const) {
      s.write(`\x1b[2;1H\x1b[2K${f}`);
      await s.flush();
      t = n * 1_000;
      expect(s.sample()).toMatchObject({ state: "working", at: 1_000 });
    }
    // A response streaming in moves the counter.
    s.write("\x1b[2;1H\x1b[2K✳ Pondering… (10s · ↓ 180 tokens)");
    await s.flush();
    t = 10_000;
    expect(s.sample()).toMatchObject({ state: "working", at: 10_000 });
    s.dispose();
  });

  it("follows a resize", async () => {
    const s = new ScreenTracker(20, 4);
    s.resize(80, 10);
    s.write(`${"a".repeat(70)}\r\n> `);
    await s.flush();
    expect(s.sample().line).toBe("a".repeat(70));
    s.dispose();
  });
});
