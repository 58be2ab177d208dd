export * from "./test-postgres.ts";
export * from "./factories.ts";
export { freePort as freePortForTests } from "../postgres/free-port.ts";
export { workerDatabase } from "./worker-database.ts";
