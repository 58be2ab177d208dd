import { describe, expect, it } from "vitest";
import { terminalSafe } from "./terminal-safe.ts";

describe("terminalSafe", () => {
  it("shows escape sequences instead of obeying them", () => {
    const hostile =
      "title\x1b]0;pwned\x07 clear\x1b[2J\x1b[H link\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ back\rover csi\u009b31m rtl\u202egnp.exe";
    const out = terminalSafe(hostile);
    // No byte a terminal acts on survives: ESC, BEL, CR, C1, bidi overrides.
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(out).toBe(
      "title␛]0;pwned␇ clear␛[2J␛[H link␛]8;;https://evil.example␛\\click␛]8;;␛\\ back␍over csi<U+009B>31m rtl<U+202E>gnp.exe",
    );
  });

  it("keeps text, tabs, newlines (CRLF as LF), and the CLI's own bold and dim", () => {
    expect(terminalSafe("a\tb\r\nc\n€ 日本")).toBe("a\tb\nc\n€ 日本");
    expect(terminalSafe("\x1b[1mbold\x1b[22m \x1b[2mdim\x1b[22m")).toBe("\x1b[1mbold\x1b[22m \x1b[2mdim\x1b[22m");
    // Any other style is shown, not applied (8 = concealed text).
    expect(terminalSafe("\x1b[8mhidden\x1b[0m")).toBe("␛[8mhidden\x1b[0m");
  });
});
