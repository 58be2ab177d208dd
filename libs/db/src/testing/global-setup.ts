import { fileURLToPath } from "node:url";
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startTestPostgres } from "./test-postgres.ts";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    adminUrl: string;
  }
}

/** One real PostgreSQL per test run, migrated; every integration test file shares it. */
export default async function setup(project: TestProject) {
  const prismaDir = fileURLToPath(new URL("../../../../prisma", import.meta.url));
  const pg = await startTestPostgres(prismaDir);
  project.provide("databaseUrl", pg.url);
  project.provide("adminUrl", pg.adminUrl);
  return () => pg.stop();
}
