import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readScreen } from "./screen-activity.ts";

/** Screens of the real claude 2.1.328 (100×30, interactive, against a local API stand-in). */
const real = (name: string) =>
  readFileSync(join(import.meta.dirname, "fixtures", `claude-2.1.328-${name}.txt`), "utf8").split("\n");

describe("readScreen on the real claude's screens", () => {
  it("a fresh session at its prompt is idle, with nothing said yet (the banner is not output)", () => {
    expect(readScreen(real("startup-idle"))).toEqual({ state: "idle", line: null });
  });

  it("a turn running a Bash command is working; the line is the command, not the spinner", () => {
    expect(readScreen(real("working"))).toEqual({ state: "working", line: "$ sh /srv/webshop/work.sh" });
  });

  it("the auto-mode dialog waits for the user; its line is the dialog's heading", () => {
    expect(readScreen(real("auto-mode-dialog"))).toEqual({
      state: "waiting",
      line: "Auto mode can't check actions in this session",
    });
  });

  it("a permission prompt waits for the user and asks its question", () => {
    expect(readScreen(real("permission-dialog"))).toEqual({ state: "waiting", line: "Do you want to proceed?" });
  });

  it("a finished turn is idle at the prompt with claude's answer as its line", () => {
    expect(readScreen(real("done-idle"))).toEqual({ state: "idle", line: "All six steps ran. Done." });
  });
});

describe("readScreen on a background sub-agent", () => {
  // Recorded from the real claude 2.1.328 (runner-activity.int.test.ts drives the same live).
  const rule = "─".repeat(40);
  const before = [
    "❯ start the sub task",
    "",
    "● Agent(Run a sub task)",
    "  ⎿  Backgrounded agent (↓ to manage · ctrl+o to expand)",
    "",
    "● Started a sub-agent.",
    "",
    "✻ Waiting for 1 background agent to finish",
  ];
  const box = ["", "", rule, "❯ ", rule, "  ⏵⏵ accept edits on (shift+tab to cycle)"];
  const working = [
    "",
    "                                        ◐ medium · /effort",
    rule,
    "❯ ",
    rule,
    "  ⏵⏵ accept edits on (shift+tab to cycle) · ← for agents · ↓ to manage",
    "",
    "  ● main",
    "  ◯ general-purpose  Run a sub task                    2s · ↓ 4.7k tokens",
  ];

  it("while its background agent works the runner is working, its line the answer so far", () => {
    expect(readScreen([...before, ...working])).toEqual({ state: "working", line: "Started a sub-agent." });
  });

  it("once the agent has reported (the waiting line stays above), it is idle with the answer", () => {
    const after = [
      ...before,
      "",
      '● Agent "Run a sub task" finished · 12s',
      "",
      "● The sub-agent finished.",
      "",
      "✻ Worked for 12s · done 7:55 AM",
    ];
    expect(readScreen([...after, ...box])).toEqual({ state: "idle", line: "The sub-agent finished." });
  });
});

describe("readScreen on the fake claude's screens", () => {
  it("idle after an answer, the bare prompt skipped", () => {
    expect(readScreen(["✻ Welcome to Fake Claude Code 2.1.0", "> hello", "Fake answer to hello", "> "])).toEqual({
      state: "idle",
      line: "Fake answer to hello",
    });
  });

  it("an empty screen is idle with no line", () => {
    expect(readScreen(["", "", ""])).toEqual({ state: "idle", line: null });
  });

  it("long lines are cut to 200 characters", () => {
    expect(readScreen(["x".repeat(500), "> "]).line).toHaveLength(200);
  });
});
