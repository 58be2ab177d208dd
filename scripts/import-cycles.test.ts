import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { folderCycles, runtimeImports } from "./import-cycles.ts";

const tmp = mkdtempSync(join(tmpdir(), "stratavore-cycles-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmp, "t-"));
  for (const [p, src] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), src);
  }
  return root;
}

describe("folder import cycles", () => {
  it("counts only imports that load code: type-only ones are erased", () => {
    const src = `import type { A } from "./a.ts";\nimport { type B } from "./b.ts";\nimport { c } from "./c.ts";\nexport { d } from "./d.ts";\nexport type { E } from "./e.ts";\nimport x from "zod";\nimport "./side-effect.ts";`;
    expect(runtimeImports(src)).toEqual(["./c.ts", "./d.ts", "./side-effect.ts"]);
  });

  it("finds a cycle between two folders, through any files, and ignores one made of types", () => {
    const root = tree({
      "budgets/enforce.ts": `import { pause } from "../runners/pause.ts";`,
      "runners/pause.ts": `import { x } from "./x.ts";`,
      "runners/x.ts": `import { check } from "../budgets/check.ts";`,
      "budgets/check.ts": `import type { Runner } from "../runners/pause.ts";`,
      "users/u.ts": `import type { Check } from "../budgets/check.ts";`,
      "budgets/u.ts": `import type { U } from "../users/u.ts";`,
    });
    expect(folderCycles(root)).toEqual([["budgets", "runners"]]);
  });

  it("libs/api, libs/runner, libs/agent, libs/db and libs/contracts have none", () => {
    for (const lib of ["api", "runner", "agent", "db", "contracts"]) {
      expect({ lib, cycles: folderCycles(join(import.meta.dirname, `../libs/${lib}/src`)) }).toEqual({
        lib,
        cycles: [],
      });
    }
  });
});
