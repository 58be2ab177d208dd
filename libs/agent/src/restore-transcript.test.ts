import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectTranscriptDir } from "@stratavore/runner";
import { restoreTranscript } from "./restore-transcript.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("restoreTranscript", () => {
  it("writes an archived transcript where claude looks for it — its exact bytes when they came as base64 — and leaves an existing one alone", async () => {
    const configDir = await mkdtemp(join(tmpdir(), "stratavore-restore-"));
    dirs.push(configDir);
    const sessionId = randomUUID();
    const exact = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0x00]), Buffer.from('"}\r\n')]);
    const ack = await restoreTranscript(configDir, {
      sessionId,
      cwd: "/srv/r",
      files: [
        { name: `${sessionId}.jsonl`, content: "", contentBase64: exact.toString("base64") },
        { name: `${sessionId}/subagents/agent-1.jsonl`, content: '{"b":1}\n' },
      ],
    });
    expect(ack).toEqual({ ok: true, restored: true });
    const dir = projectTranscriptDir(configDir, "/srv/r");
    expect((await readFile(join(dir, `${sessionId}.jsonl`))).equals(exact)).toBe(true);
    expect(await readFile(join(dir, sessionId, "subagents", "agent-1.jsonl"), "utf8")).toBe('{"b":1}\n');

    const other = randomUUID();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${other}.jsonl`), "newer\n");
    expect(
      await restoreTranscript(configDir, {
        sessionId: other,
        cwd: "/srv/r",
        files: [{ name: `${other}.jsonl`, content: "old\n" }],
      }),
    ).toEqual({ ok: true, restored: false });
    expect(await readFile(join(dir, `${other}.jsonl`), "utf8")).toBe("newer\n");
    // A name that climbs out of the project's folder is refused.
    const fresh = randomUUID();
    expect(
      await restoreTranscript(configDir, {
        sessionId: fresh,
        cwd: "/srv/r",
        files: [{ name: "../../escape.jsonl", content: "x" }],
      }),
    ).toMatchObject({ ok: false, code: "VALIDATION" });
  });
});
