import { readdir } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import { isSubagentFilePath, SUBAGENT_FILE_NAME } from "@stratavore/contracts";

/** claude nests sub-agent runs in folders under `subagents/`; deeper than this is not a transcript tree. */
const MAX_DEPTH = 8;

/**
 * Every sub-agent transcript in a session's `subagents/` tree, at any depth claude writes
 * them (`agent-<id>.jsonl`, or `<run>/…/agent-<id>.jsonl`), sorted by path. Symbolic links are
 * not followed. Throws what reading `dir` itself throws (ENOENT when the session has none);
 * a folder inside that cannot be read is skipped.
 */
export async function subagentTree(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string, depth: number): Promise<void> => {
    const entries = await readdir(at, { withFileTypes: true }).catch((err: unknown) => {
      if (depth === 0) throw err;
      return [];
    });
    for (const e of entries) {
      const path = join(at, e.name);
      if (e.isFile() && SUBAGENT_FILE_NAME.test(e.name) && subagentLabel(dir, path) !== null) found.push(path);
      else if (e.isDirectory() && depth < MAX_DEPTH) await walk(path, depth + 1);
    }
  };
  await walk(dir, 0);
  return found.sort();
}

/**
 * A sub-agent file's path under `subagents/` as it is archived (`/`-separated; what a restore
 * puts back there), or null when it does not lie in that tree under a name the archive takes.
 */
export function subagentLabel(subagentDir: string, path: string): string | null {
  const rel = relative(subagentDir, path).split(sep).join("/");
  return isSubagentFilePath(rel) ? rel : null;
}

/**
 * The name a session's file is archived under: "" for its main transcript (`<session>.jsonl`),
 * its path in the `<session>/subagents/` tree for a sub-agent's there, else (an older claude's,
 * beside the sessions) its own name. A restore puts each back under `<session>/subagents/`.
 */
export function transcriptFileLabel(path: string, sessionId: string): string {
  const name = basename(path);
  if (name === `${sessionId}.jsonl`) return "";
  const tree = `${sep}${sessionId}${sep}subagents${sep}`;
  const at = path.lastIndexOf(tree);
  return (at >= 0 ? subagentLabel(path.slice(0, at + tree.length - 1), path) : null) ?? name;
}
