import { describe, expect, it } from "vitest";
import { apiTokenCreateInput, projectCreateInput } from "../index.ts";

describe("field messages", () => {
  it("say what a field needs in words, not zod's comparison", () => {
    const empty = apiTokenCreateInput.safeParse({ name: "  " });
    expect(empty.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["name", "Required"]]);
    const long = apiTokenCreateInput.safeParse({ name: "x".repeat(81) });
    expect(long.error?.issues.map((i) => i.message)).toEqual(["At most 80 characters"]);
  });

  it("leave a schema's own message as it is", () => {
    const bad = projectCreateInput.safeParse({ name: "ok", path: "relative/path" });
    expect(bad.error?.issues.map((i) => i.message)).toEqual(["Must be an absolute path"]);
  });
});
