import { describe, expect, it } from "vitest";
import { projectPathSchema } from "./project.ts";

describe("projectPathSchema", () => {
  it("takes an absolute path, normalised", () => {
    expect(projectPathSchema.parse(" /srv//app/ ")).toBe("/srv/app");
  });

  it("refuses relative paths, . and .. segments, and control characters (a newline forged CLI rows)", () => {
    for (const bad of [
      "srv/app",
      "/srv/../etc",
      "/srv/./app",
      "/tmp/x\n/etc",
      "/tmp/\u001b[31mred",
      "/tmp/\u009bx",
      "/a\u0000b",
    ])
      expect(projectPathSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
