import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("quotes what needs quoting, keeps numbers and dates plain, and defuses formulas", () => {
    const rows = [
      { name: "plain", n: 1.5, at: new Date("2026-03-01T00:00:00Z") },
      { name: 'has "quotes", commas\nand lines', n: -2, at: null },
      { name: '=HYPERLINK("x")', n: 0, at: null },
    ];
    const csv = toCsv<(typeof rows)[number]>(
      [
        ["Name", (r) => r.name],
        ["N", (r) => r.n],
        ["At", (r) => r.at],
      ],
      rows,
    );
    expect(csv).toBe(
      'Name,N,At\r\nplain,1.5,2026-03-01T00:00:00.000Z\r\n"has ""quotes"", commas\nand lines",-2,\r\n"\'=HYPERLINK(""x"")",0,\r\n',
    );
  });
});
