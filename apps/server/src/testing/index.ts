/**
 * What harnesses outside the server app (CLI tests, e2e, benches) start it with: one entry
 * (`@stratavore/server/testing`) instead of relative imports into apps/server's files.
 */
export { readEnv } from "../env.ts";
export { createLogger } from "../logger.ts";
export { startLocalAgent } from "../local-agent.ts";
export { deriveKey } from "../secrets.ts";
export { startServer, type RunningServer } from "../server.ts";
export { hostPath } from "./env.ts";
export { FAKE_CLAUDE, FleetHarness, spawnAgent, waitFor, type AgentProcess } from "./fleet-harness.ts";
export { signInCookie } from "./sign-in.ts";
export { localAdminCaller, localContext } from "./local-caller.ts";
export { startHaproxy, haproxyInstalled, type Backend } from "./haproxy-process.ts";
export { countTranscripts } from "./transcript-count.ts";
export { startRedis, redisInstalled } from "./redis-process.ts";
