import type { FleetConfig } from "@stratavore/api";

/** Test support's one read of the environment. */

/** The host PATH handed to spawned agents. */
export const hostPath = (): string => process.env.PATH ?? "";

/** Fleet timings a test hands the server process it spawns (`STRATAVORE_TEST_FLEET`, JSON). */
export const testFleetOverrides = (): Partial<FleetConfig> =>
  process.env.STRATAVORE_TEST_FLEET ? (JSON.parse(process.env.STRATAVORE_TEST_FLEET) as Partial<FleetConfig>) : {};

/** Whether the server process a test spawns serves the dashboard too (`STRATAVORE_TEST_WEB=true`; needs a built one). */
export const testServesDashboard = (): boolean => process.env.STRATAVORE_TEST_WEB === "true";
/** Benches: the server process prints its memoryUsage() every 2 s. */
export const testLogsMemory = (): boolean => process.env.STRATAVORE_TEST_MEMORY_LOG === "true";
