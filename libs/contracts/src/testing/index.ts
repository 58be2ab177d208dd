export { runnerFixture } from "./runner-fixture.ts";
