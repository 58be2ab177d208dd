import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "./build-server.ts";

describe("npm start runs the server bundle as the tests and the bench run it", () => {
  it("package.json's start script ends with SERVER_ENV, node, SERVER_NODE_FLAGS and the bundle", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "../package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const env = Object.entries(SERVER_ENV).map(([k, v]) => `${k}=${v}`);
    const expected = [...env, "node", ...SERVER_NODE_FLAGS, "dist/apps/server/main.mjs"].join(" ");
    expect(pkg.scripts.start?.split(" && ").at(-1)).toBe(expected);
  });

  it("the server image's CMD and environment say the same", () => {
    const dockerfile = readFileSync(join(import.meta.dirname, "../docker/Dockerfile"), "utf8");
    const runtime = dockerfile.split(/^FROM .* AS runtime$/m)[1] ?? "";
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(runtime)?.[1] ?? "null") as string[] | null;
    expect(cmd).toEqual(["node", ...SERVER_NODE_FLAGS, "dist/apps/server/main.mjs"]);
    for (const [k, v] of Object.entries(SERVER_ENV)) expect(runtime).toMatch(new RegExp(`^\\s+${k}=${v}\\b`, "m"));
  });
});
