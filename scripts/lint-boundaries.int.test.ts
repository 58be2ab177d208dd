import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");

/** Probe files, each linted as part of its project: a path under the project and its source. */
const probes = {
  uiImportsDb: [
    "libs/ui/src/boundary-probe-db.ts",
    'import { createDb } from "@stratavore/db";\nexport const probe = createDb;\n',
  ],
  apiClientImportsApiValue: [
    "libs/api-client/src/boundary-probe-api.ts",
    'import { appRouter } from "@stratavore/api";\nexport const probe = appRouter;\n',
  ],
  apiQueriesDirectly: [
    "libs/api/src/shared/db-access-probe-direct.ts",
    'import type { Db } from "@stratavore/db";\n' +
      "export const probe = async (db: Db) => {\n  await db.$executeRaw`SELECT 1`;\n  return db.runner.count();\n};\n",
  ],
  apiViaRepository: [
    "libs/api/src/shared/db-access-probe-repository.ts",
    'import { runnerExists, type Db } from "@stratavore/db";\n' +
      'export const probe = (db: Db) => runnerExists(db, "x");\n',
  ],
  uiImportsContracts: [
    "libs/ui/src/boundary-probe-contracts.ts",
    'import { ROLES } from "@stratavore/contracts";\nexport const probe = ROLES;\n',
  ],
} as const;

type Probe = keyof typeof probes;
interface EslintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}
let findings: Record<Probe, string[]>;

// One eslint run over every probe, with the repository's config (the same rules `npm test`'s
// lint step applies per project): the type-aware setup costs ~10 s per run, so it is paid once.
beforeAll(async () => {
  const env = { ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true" };
  // The boundary rule reads the project graph Nx caches; without one (a fresh clone) it is
  // skipped. `npm test` builds it before linting; so does this test, to stand alone.
  await run("npx", ["nx", "show", "projects"], { cwd: root, env });
  await Promise.all(Object.values(probes).map(([file, source]) => writeFile(join(root, file), source)));
  const files = Object.values(probes).map(([file]) => file);
  const stdout = await run("npx", ["eslint", "--format", "json", ...files], {
    cwd: root,
    env,
    maxBuffer: 10_000_000,
  }).then(
    (r) => r.stdout,
    // eslint exits 1 when it reports errors; the JSON is on stdout all the same.
    (err: { stdout?: string; stderr?: string }) => {
      if (!err.stdout) throw new Error(`eslint failed without a report: ${err.stderr ?? ""}`);
      return err.stdout;
    },
  );
  const results = JSON.parse(stdout) as EslintResult[];
  findings = Object.fromEntries(
    Object.entries(probes).map(([probe, [file]]) => {
      const result = results.find((r) => r.filePath === join(root, file));
      if (!result) throw new Error(`eslint did not report on ${file}`);
      return [probe, result.messages.map((m) => `${m.ruleId ?? "parse"}: ${m.message}`)];
    }),
  ) as Record<Probe, string[]>;
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(probes).map(([file]) => rm(join(root, file), { force: true })));
});

describe("module boundaries are enforced by lint", () => {
  it("libs/ui importing libs/db fails lint", () => {
    expect(
      findings.uiImportsDb.some((m) => m.startsWith("@nx/enforce-module-boundaries:")),
      String(findings.uiImportsDb),
    ).toBe(true);
  });

  it("libs/api-client importing a value (not a type) from libs/api fails lint", () => {
    expect(findings.apiClientImportsApiValue.join("\n")).toContain("api-client may import types only");
  });

  it("libs/api reaching the database past libs/db fails lint; the repository call passes", () => {
    const direct = findings.apiQueriesDirectly.join("\n");
    expect(direct).toContain("Raw SQL and transactions belong in libs/db");
    expect(direct).toContain("Database access goes through a libs/db repository");
    expect(findings.apiViaRepository).toEqual([]);
  });

  it("an allowed import passes", () => {
    expect(findings.uiImportsContracts).toEqual([]);
  });
});
