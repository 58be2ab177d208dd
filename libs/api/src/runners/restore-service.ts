import { AppError, isSubagentFilePath } from "@stratavore/contracts";
import { rawLines } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { jsonlFile } from "../sessions/archive/jsonl-file.ts";

/**
 * Sends the archived transcript of a session to a node before `claude --resume` runs there;
 * the agent writes it into `~/.claude/projects/<encoded cwd>/` where the file is missing or an
 * older copy of it (libs/agent restore-transcript.ts).
 * Nothing archived (a session the archive never saw) → nothing to restore; claude decides.
 */
export async function restoreTranscript(
  deps: ApiDeps,
  nodeId: string,
  sessionId: string,
  cwd: string,
): Promise<boolean> {
  const lines = await rawLines(deps.db, sessionId);
  if (!lines.length) return false;
  const byFile = new Map<string, typeof lines>();
  for (const l of lines) {
    // A name no agent may send any more (archived before names were checked): never restored,
    // since the node would refuse the whole restore for it.
    if (l.file !== "" && !isSubagentFilePath(l.file)) continue;
    const list = byFile.get(l.file);
    if (list) list.push(l);
    else byFile.set(l.file, [l]);
  }
  const files = [...byFile].map(([file, fileLines]) => {
    const { text, bytes } = jsonlFile(fileLines);
    return {
      name: file === "" ? `${sessionId}.jsonl` : `${sessionId}/subagents/${file}`,
      content: bytes ? "" : text,
      ...(bytes ? { contentBase64: bytes.toString("base64") } : {}),
    };
  });
  const restore = (some: typeof files) =>
    deps.fleet.agents.restore(nodeId, { sessionId, cwd, files: some }, deps.fleet.config.agentAckTimeoutMs);
  let ack = await restore(files);
  // An agent from before nested sub-agent files refuses the whole restore for one of them: the
  // conversation is what `--resume` needs, so it goes again without them.
  const flat = files.filter((f) => !/\/subagents\/.*\//.test(f.name));
  if (!ack.ok && ack.code === "VALIDATION" && flat.length < files.length) {
    deps.log("warn", "restoring without nested sub-agent files: the node's agent is of an earlier release", {
      nodeId,
      sessionId,
      left: files.length - flat.length,
    });
    ack = await restore(flat);
  }
  if (!ack.ok && ack.code === "PATH_MISSING") throw new AppError("PATH_MISSING", ack.message);
  if (!ack.ok) throw new AppError("NODE_UNAVAILABLE", `Could not restore the transcript on the node: ${ack.message}`);
  return ack.restored;
}
