import type { FleetConfig } from "@stratavore/api";

/** Test support's one read of the environment. */

/** The host PATH handed to spawned agents. */
export const hostPath = (): string => process.env.PATH ?? "";

/** Fleet timings a test hands the server process it spawns (`STRATAVORE_TEST_FLEET`, JSON). */
export const testFleetOverrides = (): Partial<FleetConfig> =>
  process.env.STRATAVORE_TEST_FLEET ? (JSON.parse(process.env.STRATAVORE_TEST_FLEET) as Partial<FleetConfig>) : {};
