export * from "./test-postgres.ts";
export * from "./factories.ts";
