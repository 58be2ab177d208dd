import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { LegacySubagents } from "./legacy-subagents.ts";

const S1 = "11111111-1111-4111-8111-111111111111";
const S2 = "22222222-2222-4222-8222-222222222222";
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const naming = (sessionId: string) => `${JSON.stringify({ type: "user", sessionId, message: { content: "hi" } })}\n`;

it("reads each pre-2.1.2 file's session once for every tailer in the folder, not once per tailer", async () => {
  const dir = mkdtempSync(join(tmpdir(), "legacy-"));
  dirs.push(dir);
  const file = join(dir, "agent-1.jsonl");
  writeFileSync(file, naming(S1));
  expect(await new LegacySubagents(dir, S1, 0, 0).files()).toEqual([file]);
  // Claude never changes the session a file names; changed here, it shows whether the second
  // tailer read the file again (it would then claim it) or used what the first one learned.
  writeFileSync(file, naming(S2));
  expect(await new LegacySubagents(dir, S2, 0, 0).files()).toEqual([]);
  expect(await new LegacySubagents(dir, S1, 0, 0).files()).toEqual([file]);
});

it("passes over a file written before `since` for every tailer until it grows", async () => {
  const dir = mkdtempSync(join(tmpdir(), "legacy-"));
  dirs.push(dir);
  const file = join(dir, "agent-2.jsonl");
  writeFileSync(file, naming(S1));
  const later = Date.now() + 60_000; // the file is "old" for tailers started with this `since`
  expect(await new LegacySubagents(dir, S1, later, 0).files()).toEqual([]);
  expect(await new LegacySubagents(dir, S1, later, 0).files()).toEqual([]);
  writeFileSync(file, naming(S1) + naming(S1)); // a resumed sub-agent appends
  expect(await new LegacySubagents(dir, S1, later, 0).files()).toEqual([file]);
});
