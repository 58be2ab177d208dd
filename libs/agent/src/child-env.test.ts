import { describe, expect, it } from "vitest";
import { buildChildEnv } from "./child-env.ts";

describe("buildChildEnv", () => {
  it("passes what claude needs and nothing of the server's or the cloud's secrets", () => {
    const env = {
      PATH: "/usr/bin",
      HOME: "/home/a",
      LANG: "C.UTF-8",
      LC_ALL: "C",
      TERM: "xterm",
      ANTHROPIC_API_KEY: "sk-ant",
      ANTHROPIC_BASE_URL: "http://x",
      CLAUDE_CONFIG_DIR: "/c",
      CLAUDE_CODE_USE_BEDROCK: "1",
      DISABLE_TELEMETRY: "1",
      HTTPS_PROXY: "http://proxy",
      DATABASE_URL: "postgresql://u:p@h/db",
      STRATAVORE_SECRET: "s3cret",
      STRATAVORE_S3_SECRET_ACCESS_KEY: "k",
      STRATAVORE_EMBEDDINGS_API_KEY: "e",
      AWS_SECRET_ACCESS_KEY: "aws",
      GOOGLE_APPLICATION_CREDENTIALS: "/g.json",
      QDRANT_API_KEY: "q",
      NODE_OPTIONS: "--inspect",
      UNSET: undefined,
    };
    expect(buildChildEnv(env)).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/a",
      LANG: "C.UTF-8",
      LC_ALL: "C",
      TERM: "xterm",
      ANTHROPIC_API_KEY: "sk-ant",
      ANTHROPIC_BASE_URL: "http://x",
      CLAUDE_CONFIG_DIR: "/c",
      CLAUDE_CODE_USE_BEDROCK: "1",
      DISABLE_TELEMETRY: "1",
      HTTPS_PROXY: "http://proxy",
    });
  });

  it("adds names the operator passes explicitly, but never a STRATAVORE_ variable or DATABASE_URL", () => {
    const env = { AWS_PROFILE: "dev", STRATAVORE_SECRET: "s", DATABASE_URL: "pg://" };
    expect(buildChildEnv(env, ["AWS_PROFILE", "STRATAVORE_SECRET", "DATABASE_URL"])).toEqual({ AWS_PROFILE: "dev" });
  });
});
