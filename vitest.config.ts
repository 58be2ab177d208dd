import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const INTEGRATION_WORKERS = 2;

const alias = {
  "@stratavore/contracts/testing": r("./libs/contracts/src/testing/index.ts"),
  "@stratavore/contracts": r("./libs/contracts/src/index.ts"),
  "@stratavore/db/testing": r("./libs/db/src/testing/index.ts"),
  "@stratavore/runner/testing": r("./libs/runner/src/testing/helpers.ts"),
  "@stratavore/server/testing": r("./apps/server/src/testing/index.ts"),
  "@stratavore/db": r("./libs/db/src/index.ts"),
  "@stratavore/api": r("./libs/api/src/index.ts"),
  "@stratavore/ui": r("./libs/ui/src/index.ts"),
  "@stratavore/agent": r("./libs/agent/src/index.ts"),
  "@stratavore/runner": r("./libs/runner/src/index.ts"),
  "@stratavore/api-client": r("./libs/api-client/src/index.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ["default"],
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["{apps,libs}/**/*.test.ts", "scripts/**/*.test.ts", "docker/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.cli.test.ts", "**/node_modules/**"],
          // Same as the integration project's: projects sharing a group order must agree.
          maxWorkers: INTEGRATION_WORKERS,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["{apps,libs}/**/*.int.test.ts", "{apps,libs}/**/*.cli.test.ts", "scripts/**/*.int.test.ts"],
          globalSetup: [r("./libs/db/src/testing/global-setup.ts"), r("./apps/cli/src/testing/global-setup.ts")],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two files at a time, each worker with its own database (workerDatabase): most of
          // these files wait on processes and sockets, so two overlap well even on 2 cores.
          maxWorkers: INTEGRATION_WORKERS,
        },
      },
    ],
  },
});
