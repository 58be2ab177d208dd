import { randomUUID } from "node:crypto";
import { afterAll, expect, inject, it } from "vitest";
import type { RestoreAck } from "@stratavore/contracts";
import { transcriptEntryFixture } from "@stratavore/contracts/testing";
import { ensureSession, insertEntries } from "@stratavore/db";
import { createHarness } from "../testing/api-harness.ts";
import { restoreTranscript } from "./restore-service.ts";
import { workerDatabase } from "@stratavore/db/testing";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

const line = (file: string, offset: number, text: string) => transcriptEntryFixture(text, { file, offset });

type Sent = { name: string; content: string }[];

/** A session archived with its main transcript, a flat sub-agent file and one nested in a run folder. */
async function archivedSession(): Promise<string> {
  const id = randomUUID();
  await ensureSession(h.db, { id, projectId: null, nodeId: null, cwd: "/tmp" });
  await insertEntries(h.db, id, [
    line("", 0, "the conversation"),
    line("", 100, "goes on"),
    line("agent-flat.jsonl", 0, "a flat sub-agent"),
    line("run-1/agent-deep.jsonl", 0, "a nested sub-agent"),
  ]);
  return id;
}

/** Answers restores as an agent would, recording each; `refuse` decides which it refuses. */
function agentThat(refuse: (files: Sent) => RestoreAck | null): Sent[] {
  const sent: Sent[] = [];
  h.deps.fleet.agents.restore = (_nodeId, cmd) => {
    sent.push(cmd.files.map((f) => ({ name: f.name, content: f.content })));
    return Promise.resolve(refuse(cmd.files) ?? { ok: true, restored: true });
  };
  return sent;
}

it("an agent of this release gets every file, nested sub-agent files where they were", async () => {
  const id = await archivedSession();
  const sent = agentThat(() => null);
  expect(await restoreTranscript(h.deps, randomUUID(), id, "/tmp")).toBe(true);
  expect(sent.map((files) => files.map((f) => f.name).sort())).toEqual([
    [`${id}.jsonl`, `${id}/subagents/agent-flat.jsonl`, `${id}/subagents/run-1/agent-deep.jsonl`],
  ]);
  expect(
    sent[0]!
      .find((f) => f.name === `${id}.jsonl`)
      ?.content.split("\n")
      .filter(Boolean),
  ).toHaveLength(2);
});

it("an agent of the release before nested files refuses them: the restore goes again without them, the conversation whole", async () => {
  const id = await archivedSession();
  // What such an agent answers (its restore-transcript.ts before 7489bcf): its name check knows
  // only `<session>.jsonl` and `<session>/subagents/agent-x.jsonl`.
  const sent = agentThat((files) => {
    const foreign = files.find((f) => f.name.split("/").length > 3);
    return foreign
      ? {
          ok: false,
          code: "VALIDATION",
          message: `Refusing to restore a file that is not this session's: ${foreign.name}`,
        }
      : null;
  });
  expect(await restoreTranscript(h.deps, randomUUID(), id, "/tmp")).toBe(true);
  expect(sent).toHaveLength(2);
  expect(sent[1]!.map((f) => f.name).sort()).toEqual([`${id}.jsonl`, `${id}/subagents/agent-flat.jsonl`]);
  expect(sent[1]!.find((f) => f.name === `${id}.jsonl`)?.content).toContain("goes on");
});

it("a refusal for another reason is not retried, and fails the restore with what the node said", async () => {
  const id = await archivedSession();
  const sent = agentThat(() => ({ ok: false, code: "RESTORE_FAILED", message: "disk full" }));
  await expect(restoreTranscript(h.deps, randomUUID(), id, "/tmp")).rejects.toThrow(
    "Could not restore the transcript on the node: disk full",
  );
  expect(sent).toHaveLength(1);
});

it("a session with nothing archived restores nothing and asks no node", async () => {
  const id = randomUUID();
  await ensureSession(h.db, { id, projectId: null, nodeId: null, cwd: "/tmp" });
  const sent = agentThat(() => null);
  expect(await restoreTranscript(h.deps, randomUUID(), id, "/tmp")).toBe(false);
  expect(sent).toHaveLength(0);
});
