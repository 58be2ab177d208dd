import type { TranscriptEntryInput } from "../schemas/session.ts";

/**
 * One archive entry of a user line saying `text`, as an agent or an import sends it: of the
 * session's main file at offset 0, its raw line the JSON claude would write; `over` changes any field.
 */
export function transcriptEntryFixture(text: string, over: Partial<TranscriptEntryInput> = {}): TranscriptEntryInput {
  const uuid = over.uuid ?? crypto.randomUUID();
  return {
    uuid,
    parentUuid: null,
    type: "user",
    role: "user",
    text,
    toolNames: [],
    isSidechain: false,
    timestamp: null,
    file: "",
    offset: 0,
    rawLine: JSON.stringify({ type: "user", uuid, message: { role: "user", content: text } }),
    ...over,
  };
}
