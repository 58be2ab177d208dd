import { projectNameSchema } from "@stratavore/contracts";
import { describe, expect, it } from "vitest";
import { projectSlug } from "./project-slug.ts";

describe("projectSlug", () => {
  it.each([
    ["web-app", "web-app"],
    ["My_Repo.v2", "my-repo-v2"],
    ["Ärger", "arger"],
    ["straße", "strasse"],
    ["crème brûlée", "creme-brulee"],
    ["Łódź", "lodz"],
    ["Проекты", "proekty"],
    ["Δέλτα", "delta"],
    ["ﬁle", "file"],
    ["a$b&c", "a-b-c"],
    ["100%", "100"],
    ["日本語", "imported"],
    ["---", "imported"],
  ])("%s → %s", (folder, expected) => {
    expect(projectSlug(folder)).toBe(expected);
  });

  it("always gives a valid project name, at most 50 characters, not ending in a dash", () => {
    for (const folder of ["x".repeat(80), `${"a".repeat(49)} b`, "Über ".repeat(20), "🙂", "\u0000\u200b"]) {
      const name = projectSlug(folder);
      expect(projectNameSchema.safeParse(name).success, name).toBe(true);
      expect(name.length).toBeLessThanOrEqual(50);
      expect(name.endsWith("-")).toBe(false);
    }
  });
});
