export { runnerFixture } from "./runner-fixture.ts";
export * from "./usage-record-fixture.ts";
export { transcriptEntryFixture } from "./transcript-entry-fixture.ts";
