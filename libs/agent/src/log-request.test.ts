import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerLogRequest } from "./log-request.ts";

const RUNNER = "0b4c6a5e-1f3d-4c2b-9a8e-7d6f5e4c3b2a";
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "log-request-"));
  await writeFile(join(dir, `${RUNNER}.log`), "one\ntwo\nthree\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("answerLogRequest", () => {
  it("answers the last lines of the runner's log", async () => {
    expect(await answerLogRequest(dir, { runnerId: RUNNER, maxLines: 2 })).toEqual({
      ok: true,
      lines: ["two", "three"],
    });
  });

  it("says NO_LOG for a runner without a log here, or a request outside the protocol", async () => {
    expect(await answerLogRequest(dir, { runnerId: "1b4c6a5e-1f3d-4c2b-9a8e-7d6f5e4c3b2a", maxLines: 5 })).toEqual({
      ok: false,
      code: "NO_LOG",
      message: "No log for this runner on its node.",
    });
    expect(await answerLogRequest(join(dir, "missing"), { runnerId: RUNNER, maxLines: 5 })).toMatchObject({
      code: "NO_LOG",
    });
    expect(await answerLogRequest(dir, { runnerId: "not-a-uuid", maxLines: 5 })).toEqual({
      ok: false,
      code: "NO_LOG",
      message: "Malformed request.",
    });
  });
});
