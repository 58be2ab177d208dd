import { describe, expect, it } from "vitest";
import { readEnv } from "./env.ts";

const base = { DATABASE_URL: "postgres://x@127.0.0.1/db", STRATAVORE_DATA_DIR: "/tmp/stratavore-env-test" };

describe("cluster configuration", () => {
  it("defaults to one instance, to redis with REDIS_URL, and takes postgres when asked", () => {
    expect(readEnv([], base).cluster).toEqual({ mode: "single", redisUrl: null });
    expect(readEnv([], { ...base, REDIS_URL: "redis://127.0.0.1:6379" }).cluster.mode).toBe("redis");
    expect(readEnv([], { ...base, STRATAVORE_CLUSTER: "postgres" }).cluster.mode).toBe("postgres");
  });

  it("refuses what would half work: redis without REDIS_URL, an embedded database, agents on the TLS port", () => {
    expect(() => readEnv([], { ...base, STRATAVORE_CLUSTER: "redis" })).toThrow(
      /STRATAVORE_CLUSTER=redis needs REDIS_URL/,
    );
    expect(() => readEnv([], { STRATAVORE_CLUSTER: "postgres" })).toThrow(/needs DATABASE_URL/);
    expect(() => readEnv([], { ...base, STRATAVORE_CLUSTER: "postgres", STRATAVORE_AGENT_TLS_PORT: "0" })).toThrow(
      /STRATAVORE_AGENT_TLS_PORT cannot be combined with STRATAVORE_CLUSTER/,
    );
    expect(() => readEnv([], { ...base, STRATAVORE_CLUSTER: "sharded" })).toThrow(/Invalid configuration/);
  });
});
