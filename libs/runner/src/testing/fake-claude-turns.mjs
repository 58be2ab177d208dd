/**
 * Pieces of the fake claude's turns that use tools (fake-claude.mjs): what the API and claude
 * 2.1.328 write for a web search and for a sub-agent, kept apart so the CLI itself stays readable.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** An assistant line's request id and message, as the API answers (fresh ids each time). */
export const assistantTurn = (model, content, stopReason, usage) => ({
  requestId: `req_${randomBytes(12).toString("hex")}`,
  message: {
    id: `msg_${randomBytes(12).toString("hex")}`,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  },
});

/** A response that searched the web first: the API's server_tool_use and result blocks before the text. */
export const searchBlocks = (query, id = `srvtoolu_${randomBytes(8).toString("hex")}`) => [
  { type: "server_tool_use", id, name: "web_search", input: { query } },
  {
    type: "web_search_tool_result",
    tool_use_id: id,
    content: [{ type: "web_search_result", title: "Result", url: "https://example.com/" }],
  },
];

/**
 * A sub-agent's transcript as claude 2.1.328 writes it in `<session>/subagents/`:
 * `agent-<id>.jsonl` (sidechain lines naming the parent session and the agent, with its own
 * model and usage) and `agent-<id>.meta.json` beside it.
 */
export function writeSubagent({ dir, sessionId, cwd, version, task }) {
  const agentId = randomBytes(3).toString("hex");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `agent-${agentId}.meta.json`), JSON.stringify({ agentType: "Explore", description: task }));
  const side = { isSidechain: true, userType: "external", cwd, sessionId, version, agentId };
  const prompt = { ...side, parentUuid: null, type: "user", message: { role: "user", content: task } };
  const asked = { ...prompt, uuid: randomUUID(), timestamp: new Date().toISOString() };
  const answered = {
    ...side,
    parentUuid: asked.uuid,
    type: "assistant",
    ...assistantTurn("claude-haiku-4-5-20251001", [{ type: "text", text: `found: ${task}` }], "end_turn", {
      input_tokens: 7,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 900,
      output_tokens: 33,
    }),
    uuid: randomUUID(),
    timestamp: new Date().toISOString(),
  };
  appendFileSync(join(dir, `agent-${agentId}.jsonl`), [asked, answered].map((l) => JSON.stringify(l) + "\n").join(""));
}
