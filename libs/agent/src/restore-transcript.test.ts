import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectTranscriptDir } from "@stratavore/runner";
import { restoreTranscript } from "./restore-transcript.ts";

/** Project folders that exist: the agent restores only for a folder claude can run in. */
const SRV = mkdtempSync(join(tmpdir(), "stratavore-restore-cwd-"));
for (const d of ["r", "own", "moved"]) mkdirSync(join(SRV, d));
const dirs: string[] = [SRV];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("restoreTranscript", () => {
  it("writes nothing for a folder that does not exist on this node, and says PATH_MISSING", async () => {
    const configDir = await mkdtemp(join(tmpdir(), "stratavore-restore-"));
    dirs.push(configDir);
    const sessionId = randomUUID();
    const cwd = join(SRV, "not-here");
    const ack = await restoreTranscript(configDir, {
      sessionId,
      cwd,
      files: [{ name: `${sessionId}.jsonl`, content: '{"a":1}\n' }],
    });
    expect(ack).toEqual({
      ok: false,
      code: "PATH_MISSING",
      message: `Working directory ${cwd} does not exist on this node.`,
    });
    await expect(readFile(join(projectTranscriptDir(configDir, cwd), `${sessionId}.jsonl`))).rejects.toThrow(/ENOENT/);
  });

  it("writes an archived transcript where claude looks for it — its exact bytes when they came as base64 — and leaves an existing one alone", async () => {
    const configDir = await mkdtemp(join(tmpdir(), "stratavore-restore-"));
    dirs.push(configDir);
    const sessionId = randomUUID();
    const exact = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0x00]), Buffer.from('"}\r\n')]);
    const ack = await restoreTranscript(configDir, {
      sessionId,
      cwd: join(SRV, "r"),
      files: [
        { name: `${sessionId}.jsonl`, content: "", contentBase64: exact.toString("base64") },
        { name: `${sessionId}/subagents/agent-1.jsonl`, content: '{"b":1}\n' },
        // claude 2.1.328 nests some sub-agents in folders under subagents/: back where they were.
        { name: `${sessionId}/subagents/run-1/agent-2.jsonl`, content: '{"c":1}\n' },
      ],
    });
    expect(ack).toEqual({ ok: true, restored: true });
    const dir = projectTranscriptDir(configDir, join(SRV, "r"));
    expect((await readFile(join(dir, `${sessionId}.jsonl`))).equals(exact)).toBe(true);
    expect(await readFile(join(dir, sessionId, "subagents", "agent-1.jsonl"), "utf8")).toBe('{"b":1}\n');
    expect(await readFile(join(dir, sessionId, "subagents", "run-1", "agent-2.jsonl"), "utf8")).toBe('{"c":1}\n');

    const other = randomUUID();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${other}.jsonl`), "newer\n");
    expect(
      await restoreTranscript(configDir, {
        sessionId: other,
        cwd: join(SRV, "r"),
        files: [{ name: `${other}.jsonl`, content: "old\n" }],
      }),
    ).toEqual({ ok: true, restored: false });
    expect(await readFile(join(dir, `${other}.jsonl`), "utf8")).toBe("newer\n");
    // A name that climbs out of the project's folder is refused.
    const fresh = randomUUID();
    expect(
      await restoreTranscript(configDir, {
        sessionId: fresh,
        cwd: join(SRV, "r"),
        files: [{ name: "../../escape.jsonl", content: "x" }],
      }),
    ).toMatchObject({ ok: false, code: "VALIDATION" });
  });

  it("writes only the session's own files: a name that stays inside the folder but is another session's (or not a sub-agent's) is refused, and nothing is written", async () => {
    const configDir = await mkdtemp(join(tmpdir(), "stratavore-restore-"));
    dirs.push(configDir);
    const dir = projectTranscriptDir(configDir, join(SRV, "own"));
    const [sessionId, victim] = [randomUUID(), randomUUID()];
    for (const name of [
      `${sessionId}/subagents/../../${victim}.jsonl`,
      `${victim}.jsonl`,
      `${sessionId}/subagents/notes.txt`,
      `${sessionId}/other/agent-1.jsonl`,
      `${sessionId}/subagents/run/../../../${victim}/subagents/agent-1.jsonl`,
    ]) {
      expect(
        await restoreTranscript(configDir, {
          sessionId,
          cwd: join(SRV, "own"),
          files: [
            { name: `${sessionId}.jsonl`, content: '{"a":1}\n' },
            { name, content: '{"planted":true}\n' },
          ],
        }),
        name,
      ).toMatchObject({ ok: false, code: "VALIDATION" });
    }
    expect(
      await restoreTranscript(configDir, {
        sessionId: "../x",
        cwd: join(SRV, "own"),
        files: [{ name: "../x.jsonl", content: "" }],
      }),
    ).toMatchObject({ ok: false, code: "VALIDATION" });
    await expect(readFile(join(dir, `${victim}.jsonl`))).rejects.toThrow(/ENOENT/);
    await expect(readFile(join(dir, `${sessionId}.jsonl`))).rejects.toThrow(/ENOENT/);
  });

  it("replaces a copy the archive holds all of and more (the session went on elsewhere); keeps a longer or different one", async () => {
    const configDir = await mkdtemp(join(tmpdir(), "stratavore-restore-"));
    dirs.push(configDir);
    const dir = projectTranscriptDir(configDir, join(SRV, "moved"));
    await mkdir(join(dir), { recursive: true });
    const [behind, ahead, diverged] = [randomUUID(), randomUUID(), randomUUID()];
    const turns = (n: number) => Array.from({ length: n }, (_, i) => `{"turn":${i + 1}}\n`).join("");
    await writeFile(join(dir, `${behind}.jsonl`), turns(2));
    await mkdir(join(dir, behind, "subagents"), { recursive: true });
    await writeFile(join(dir, behind, "subagents", "agent-1.jsonl"), '{"sub":1}\n');
    await writeFile(join(dir, `${ahead}.jsonl`), turns(4));
    await writeFile(join(dir, `${diverged}.jsonl`), '{"turn":1}\n{"other":2}\n');
    const restore = (sessionId: string, extra: Array<{ name: string; content: string }> = []) =>
      restoreTranscript(configDir, {
        sessionId,
        cwd: join(SRV, "moved"),
        files: [{ name: `${sessionId}.jsonl`, content: turns(3) }, ...extra],
      });

    // Ran here for 2 turns, then a third elsewhere: the archive's 3 replace the 2 (and a sub-agent
    // file holding all of this node's and more replaces it too).
    expect(
      await restore(behind, [{ name: `${behind}/subagents/agent-1.jsonl`, content: '{"sub":1}\n{"sub":2}\n' }]),
    ).toEqual({ ok: true, restored: true });
    expect(await readFile(join(dir, `${behind}.jsonl`), "utf8")).toBe(turns(3));
    expect(await readFile(join(dir, behind, "subagents", "agent-1.jsonl"), "utf8")).toBe('{"sub":1}\n{"sub":2}\n');
    // This node's copy is ahead of the archive (lines not shipped yet), or not the archive's: kept.
    expect(await restore(ahead)).toEqual({ ok: true, restored: false });
    expect(await readFile(join(dir, `${ahead}.jsonl`), "utf8")).toBe(turns(4));
    expect(await restore(diverged)).toEqual({ ok: true, restored: false });
    expect(await readFile(join(dir, `${diverged}.jsonl`), "utf8")).toBe('{"turn":1}\n{"other":2}\n');
  });
});
