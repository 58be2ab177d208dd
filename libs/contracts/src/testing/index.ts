export { runnerFixture } from "./runner-fixture.ts";
export * from "./usage-record-fixture.ts";
