import { fileURLToPath } from "node:url";
import pg from "pg";
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startTestPostgres } from "./test-postgres.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** One migrated database per worker of the integration project (see workerDatabase). */
    databaseUrls: string[];
    adminUrl: string;
  }
}

/**
 * One real PostgreSQL per test run. Migrations run once, into a template nobody connects to;
 * each worker gets its own copy, so files running at the same time never share rows, while
 * files in one worker share their database one after another (as they always have).
 */
export default async function setup(project: TestProject) {
  const prismaDir = fileURLToPath(new URL("../../../../prisma", import.meta.url));
  const pg0 = await startTestPostgres(prismaDir, "stratavore_template");
  const workers = Math.max(1, project.config.maxWorkers || 1);
  const admin = new pg.Client({ connectionString: pg0.adminUrl });
  await admin.connect();
  const urls: string[] = [];
  try {
    for (let i = 1; i <= workers; i++) {
      await admin.query(`CREATE DATABASE "stratavore_test_${i}" TEMPLATE "stratavore_template"`);
      urls.push(pg0.adminUrl.replace(/\/postgres$/, `/stratavore_test_${i}`));
    }
  } finally {
    await admin.end();
  }
  project.provide("databaseUrls", urls);
  project.provide("adminUrl", pg0.adminUrl);
  return () => pg0.stop();
}
