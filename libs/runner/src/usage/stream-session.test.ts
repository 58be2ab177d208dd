import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TranscriptEntryInput } from "@stratavore/contracts";
import { describe, expect, it } from "vitest";
import { streamSessionFiles } from "./stream-session.ts";
import { TranscriptTailer } from "./transcript-tailer.ts";

const CONFIG_DIR = fileURLToPath(new URL("./fixtures/", import.meta.url));
const A = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
const MY_APP = join(CONFIG_DIR, "projects", "-home-dev-my-app");
const FILES = [join(MY_APP, `${A}.jsonl`), join(MY_APP, A, "subagents", "agent-a7f3c2.jsonl")];

describe("streaming a finished session (history import)", () => {
  it("gives exactly the usage and archive entries the live tailer gives, in batches of any size", async () => {
    const live = await new TranscriptTailer({ configDir: CONFIG_DIR, cwd: "/home/dev/my-app", sessionId: A }).poll();
    for (const batchSize of [1, 7, 500]) {
      const batches: TranscriptEntryInput[][] = [];
      const read = await streamSessionFiles(FILES, A, async (entries) => void batches.push(entries), batchSize);
      expect(read.records).toEqual(live.records);
      expect(read.malformed).toBe(live.malformed);
      expect(batches.flat()).toEqual(live.entries);
      expect(batches.every((b) => b.length <= batchSize)).toBe(true);
      // L3 (a meta note) is the first user/assistant entry; L33, the resume repeat, the last.
      expect([read.firstAt, read.lastAt]).toEqual(["2026-03-01T09:00:00.000Z", "2026-03-01T10:00:02.000Z"]);
    }
  });
});
