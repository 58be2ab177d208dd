import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join, normalize, sep } from "node:path";
import { restoreCommandSchema, type RestoreAck } from "@stratavore/contracts";
import { projectTranscriptDir } from "@stratavore/runner";

/**
 * Puts an archived transcript back where claude looks for it, so `--resume` works on a node
 * that never had it. An existing transcript is left alone (the node's copy may be newer).
 */
export async function restoreTranscript(configDir: string, raw: unknown): Promise<RestoreAck> {
  const parsed = restoreCommandSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, code: "VALIDATION", message: "Malformed restore command." };
  const { sessionId, cwd, files } = parsed.data;
  const dir = projectTranscriptDir(configDir, cwd);
  if (existsSync(join(dir, `${sessionId}.jsonl`))) return { ok: true, restored: false };
  const main = `${sessionId}.jsonl`;
  // Sub-agent files first and the main transcript last, each written then renamed: the main
  // file's presence means "restored", so it must never exist half-written.
  for (const f of [...files].sort((a, b) => Number(a.name === main) - Number(b.name === main))) {
    const path = normalize(join(dir, f.name));
    // Names come from the server, but a path may never leave the project's transcript folder.
    if (!path.startsWith(dir + sep))
      return { ok: false, code: "VALIDATION", message: `Refusing to write outside the transcript folder: ${f.name}` };
    await mkdir(dirname(path), { recursive: true });
    const body = f.contentBase64 === undefined ? f.content : Buffer.from(f.contentBase64, "base64");
    await writeFile(`${path}.restoring`, body, { mode: 0o600 });
    await rename(`${path}.restoring`, path);
  }
  return { ok: true, restored: true };
}
