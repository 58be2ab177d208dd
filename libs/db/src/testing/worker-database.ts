import { vitestPoolId } from "./env.ts";

/**
 * This test worker's own database, from the list the integration global setup provides
 * (`workerDatabase(inject("databaseUrls"))`). Vitest numbers its workers 1…maxWorkers in
 * VITEST_POOL_ID and runs one file at a time in each, so two files never write one database
 * at once.
 */
export function workerDatabase(urls: readonly string[]): string {
  const id = vitestPoolId();
  const url = urls[(Number.isInteger(id) && id > 0 ? id - 1 : 0) % urls.length];
  if (!url) throw new Error("no test database was provided: run the integration project's global setup");
  return url;
}
