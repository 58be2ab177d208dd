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
