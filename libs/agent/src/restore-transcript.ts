import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join, normalize, sep } from "node:path";
import { isSubagentFilePath, restoreCommandSchema, type RestoreAck } from "@stratavore/contracts";
import { isSessionId, projectTranscriptDir } from "@stratavore/runner";

/**
 * Puts an archived transcript back where claude looks for it, so `--resume` works on a node
 * that never had it — or that has an older copy: a session that went on on another node since
 * this one last ran it. A file here is replaced only when the archive holds all of it and more
 * (it is a prefix of the archived file); otherwise it is left alone, since the node's copy may
 * be newer than the archive (lines not shipped yet) or its own.
 */
export async function restoreTranscript(configDir: string, raw: unknown): Promise<RestoreAck> {
  const parsed = restoreCommandSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, code: "VALIDATION", message: "Malformed restore command." };
  const { sessionId, cwd, files } = parsed.data;
  const dir = projectTranscriptDir(configDir, cwd);
  const main = `${sessionId}.jsonl`;
  // Only the session's own files: `<session>.jsonl` and its `<session>/subagents/…/agent-….jsonl`.
  // A name that merely stays inside the folder could still be another session's transcript.
  const subagents = `${sessionId}/subagents/`;
  const foreign = files.find(
    (f) => f.name !== main && !(f.name.startsWith(subagents) && isSubagentFilePath(f.name.slice(subagents.length))),
  );
  if (!isSessionId(sessionId) || foreign)
    return {
      ok: false,
      code: "VALIDATION",
      message: `Refusing to restore a file that is not this session's: ${foreign?.name ?? sessionId}`,
    };
  const planned = files.map((f) => ({
    path: normalize(join(dir, f.name)),
    name: f.name,
    body: f.contentBase64 === undefined ? Buffer.from(f.content) : Buffer.from(f.contentBase64, "base64"),
  }));
  // Names come from the server, but a path may never leave the project's transcript folder.
  const outside = planned.find((f) => !f.path.startsWith(dir + sep));
  if (outside)
    return {
      ok: false,
      code: "VALIDATION",
      message: `Refusing to write outside the transcript folder: ${outside.name}`,
    };
  // Nothing is written for a launch that cannot run here: a resume refused for its missing
  // folder once left the transcript behind in ~/.claude/projects (the accounting review).
  if (!(await stat(cwd).catch(() => null))?.isDirectory())
    return { ok: false, code: "PATH_MISSING", message: `Working directory ${cwd} does not exist on this node.` };
  let restored = false;
  // Sub-agent files first and the main transcript last, each written then renamed: the main
  // file's presence means "restored", so it must never exist half-written.
  for (const f of planned.sort((a, b) => Number(a.name === main) - Number(b.name === main))) {
    const here = await readFile(f.path).catch(() => null);
    if (here && !(here.length < f.body.length && f.body.subarray(0, here.length).equals(here))) continue;
    await mkdir(dirname(f.path), { recursive: true });
    await writeFile(`${f.path}.restoring`, f.body, { mode: 0o600 });
    await rename(`${f.path}.restoring`, f.path);
    restored = true;
  }
  return { ok: true, restored };
}
