import { expect, it } from "vitest";
import { safeNextPath } from "./safe-next-path.ts";

const ORIGIN = "https://stv.example";

it("keeps a page of this origin, with its query and fragment", () => {
  expect(safeNextPath("/runners/1?tab=logs#end", ORIGIN)).toBe("/runners/1?tab=logs#end");
  expect(safeNextPath("/", ORIGIN)).toBe("/");
});

it("sends anything that leaves the origin, or is no path, to the dashboard", () => {
  for (const next of [
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/.//evil.example",
    "/..//evil.example",
    "/%2e//evil.example",
    "/a/..//evil.example",
    "/./\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "",
    null,
  ])
    expect(safeNextPath(next, ORIGIN), String(next)).toBe("/");
});
