import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const probes: string[] = [];
afterEach(async () => {
  await Promise.all(probes.splice(0).map((p) => rm(p, { force: true })));
});

/** Lints one project through Nx (which builds the project graph the boundary rule needs). */
async function lintWithProbe(project: string, file: string, source: string) {
  const path = join(root, file);
  probes.push(path);
  await writeFile(path, source);
  try {
    await run("npx", ["nx", "run", `${project}:lint`, "--skip-nx-cache", "--outputStyle=static"], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true", CI: "true" },
      maxBuffer: 10_000_000,
    });
    return { failed: false, output: "" };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { failed: true, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("module boundaries are enforced by lint", () => {
  it("libs/ui importing libs/db fails lint", async () => {
    const res = await lintWithProbe(
      "ui",
      "libs/ui/src/boundary-probe.ts",
      'import { createDb } from "@stratavore/db";\nexport const probe = createDb;\n',
    );
    expect(res.failed).toBe(true);
    expect(res.output).toContain("@nx/enforce-module-boundaries");
  }, 120_000);

  it("libs/api-client importing a value (not a type) from libs/api fails lint", async () => {
    const res = await lintWithProbe(
      "api-client",
      "libs/api-client/src/boundary-probe.ts",
      'import { appRouter } from "@stratavore/api";\nexport const probe = appRouter;\n',
    );
    expect(res.failed).toBe(true);
    expect(res.output).toContain("api-client may import types only");
  }, 120_000);

  it("libs/api reaching the database past libs/db fails lint; the repository call passes", async () => {
    const file = join(root, "libs/api/src/shared/db-access-probe.ts");
    probes.push(file);
    const lint = async (source: string) => {
      await writeFile(file, source);
      return run("npx", ["eslint", "--max-warnings", "0", file], { cwd: root, maxBuffer: 10_000_000 }).then(
        () => ({ failed: false, output: "" }),
        (err: { stdout?: string }) => ({ failed: true, output: err.stdout ?? "" }),
      );
    };
    const direct = await lint(
      'import type { Db } from "@stratavore/db";\n' +
        "export const probe = async (db: Db) => {\n  await db.$executeRaw`SELECT 1`;\n  return db.runner.count();\n};\n",
    );
    expect(direct.failed).toBe(true);
    expect(direct.output).toContain("Raw SQL and transactions belong in libs/db");
    expect(direct.output).toContain("Database access goes through a libs/db repository");
    const viaRepository = await lint(
      'import { runnerExists, type Db } from "@stratavore/db";\n' +
        'export const probe = (db: Db) => runnerExists(db, "x");\n',
    );
    expect(viaRepository.failed, viaRepository.output).toBe(false);
  }, 120_000);

  it("an allowed import passes", async () => {
    const res = await lintWithProbe(
      "ui",
      "libs/ui/src/boundary-probe.ts",
      'import { ROLES } from "@stratavore/contracts";\nexport const probe = ROLES;\n',
    );
    expect(res.failed, res.output).toBe(false);
  }, 120_000);
});
