import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { projectPathSchema } from "@stratavore/contracts";
import { isSessionId } from "../base/claude-args.ts";
import { firstField, firstSessionId, LEGACY_AGENT_FILE } from "./legacy-subagents.ts";
import { parseObject } from "./parse-session-files.ts";
import { subagentTree } from "./subagent-tree.ts";

export { transcriptFileLabel } from "./subagent-tree.ts";
export { parseSessionFiles, type ParsedSession } from "./parse-session-files.ts";

export interface HistorySession {
  /** The project folder's name: the cwd encoded by Claude Code (not reversible). */
  projectDir: string;
  sessionId: string;
  /** From the first entry that names one; the folder name cannot be decoded back. */
  cwd: string | null;
  /**
   * `<session>.jsonl` first when it exists, then the `<session>/subagents/` tree, then sub-agent
   * files of the layout before Claude Code 2.1.2 (`agent-*.jsonl` beside the sessions, naming
   * their session inside). Which one is the main transcript goes by name (transcriptFileLabel).
   */
  files: string[];
}

/**
 * Every session in `<projectsDir>/<encoded cwd>/`, for importing history that predates the
 * agent: each `<uuid>.jsonl` with its sub-agents' files, and sessions known only from sub-agent
 * files (their main transcript deleted), whose spend is real all the same. Sorted by folder
 * then session id, so an interrupted import that starts over meets the sessions in the same order.
 */
export async function* scanHistory(
  projectsDir: string,
  /**
   * Told of each `.jsonl` file the import does not read: not named `<session uuid>.jsonl`, not
   * a sub-agent file, or in a folder Claude Code does not write (a copy, a `backup/`). Their
   * spend is not counted (ccusage reads every `.jsonl`), so the import says so.
   */
  onSkipped: (path: string) => void = () => {},
): AsyncGenerator<HistorySession> {
  const folders: ProjectFolder[] = [];
  for (const name of await jsonlFileNames(projectsDir)) onSkipped(join(projectsDir, name));
  for (const projectDir of await dirNames(projectsDir))
    folders.push(await listFolder(projectsDir, projectDir, onSkipped));
  // A pre-2.1.2 sub-agent file names its session inside, and that session's own file can sit in
  // another project folder: its spend goes with the session, which is then found once, not twice.
  const home = new Map<string, ProjectFolder>();
  for (const f of folders) for (const id of [...f.mains, ...f.subagents.keys()]) if (!home.has(id)) home.set(id, f);
  for (const f of folders)
    for (const [sessionId, paths] of f.legacy) {
      const owner = home.get(sessionId) ?? f;
      home.set(sessionId, owner);
      owner.legacyHere.set(sessionId, [...(owner.legacyHere.get(sessionId) ?? []), ...paths]);
    }
  for (const f of folders) {
    for (const sessionId of [...new Set([...f.mains, ...f.subagents.keys(), ...f.legacyHere.keys()])].sort()) {
      const files = [
        ...(f.mains.has(sessionId) ? [join(f.dir, `${sessionId}.jsonl`)] : []),
        ...(f.subagents.get(sessionId) ?? []),
        ...(f.legacyHere.get(sessionId) ?? []),
      ];
      yield { projectDir: f.projectDir, sessionId, cwd: await firstCwd(files), files };
    }
  }
}

/** What one project folder holds, by session. */
interface ProjectFolder {
  projectDir: string;
  dir: string;
  /** Sessions with a `<session>.jsonl` here. */
  mains: Set<string>;
  /** Files of the `<session>/subagents/` tree, by session. */
  subagents: Map<string, string[]>;
  /** Pre-2.1.2 `agent-*.jsonl` in this folder, by the session they name. */
  legacy: Map<string, string[]>;
  /** Pre-2.1.2 files of this folder's sessions, wherever they lie (filled by scanHistory). */
  legacyHere: Map<string, string[]>;
}

async function listFolder(
  projectsDir: string,
  projectDir: string,
  onSkipped: (path: string) => void,
): Promise<ProjectFolder> {
  const dir = join(projectsDir, projectDir);
  const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of [...names].sort(byName)) {
    if (e.isFile() && e.name.endsWith(".jsonl") && !isSessionId(e.name.slice(0, -6)) && !LEGACY_AGENT_FILE.test(e.name))
      onSkipped(join(dir, e.name));
    // One level into a folder that is not a session's: where a copy or a backup usually lies.
    else if (e.isDirectory() && !isSessionId(e.name))
      for (const name of await jsonlFileNames(join(dir, e.name))) onSkipped(join(dir, e.name, name));
  }
  const mains = new Set<string>();
  for (const e of names.filter((e) => e.isFile() && e.name.endsWith(".jsonl") && isSessionId(e.name.slice(0, -6))))
    if (await startsLikeTranscript(join(dir, e.name))) mains.add(e.name.slice(0, -6));
    else onSkipped(join(dir, e.name));
  const subagents = new Map<string, string[]>();
  for (const e of names.filter((e) => e.isDirectory() && isSessionId(e.name))) {
    const files = await subagentTree(join(dir, e.name, "subagents")).catch(() => []);
    if (files.length) subagents.set(e.name, files);
  }
  // Before 2.1.2, Claude Code wrote a sub-agent's transcript beside the sessions, as
  // agent-<id>.jsonl, its lines naming the session that started it.
  const legacy = new Map<string, string[]>();
  for (const e of names.filter((e) => e.isFile() && LEGACY_AGENT_FILE.test(e.name)).sort(byName)) {
    const path = join(dir, e.name);
    const sessionId = await firstSessionId(path);
    if (sessionId) legacy.set(sessionId, [...(legacy.get(sessionId) ?? []), path]);
    else onSkipped(path);
  }
  return { projectDir, dir, mains, subagents, legacy, legacyHere: new Map() };
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The `.jsonl` files directly in `dir`, sorted; none when it cannot be read. */
async function jsonlFileNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".jsonl"))
    .map((e) => e.name)
    .sort();
}

async function dirNames(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

const SNIFF_BYTES = 64 * 1024;

/**
 * Whether a `<session id>.jsonl` can be a Claude Code transcript: a whole line of its first
 * 64 KB is a JSON object (one cut short or damaged among them loses nothing), or it is still
 * empty — a session just begun — or the line it ends in (longer than 64 KB, or still being
 * written) starts like one. A renamed binary, a text file or a JSON array named like a session
 * would otherwise become a session of nothing but malformed lines.
 */
async function startsLikeTranscript(path: string): Promise<boolean> {
  const file = await open(path, "r").catch(() => null);
  if (!file) return false;
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(buf, 0, SNIFF_BYTES, 0);
    const text = buf.toString("utf8", 0, bytesRead);
    if (text.trim() === "") return true;
    const lines = text.split("\n");
    // The piece after the last newline is unfinished: cut by the sniff, or not yet written whole.
    const unfinished = lines.pop() ?? "";
    return lines.some((line) => parseObject(line.trim()) !== null) || unfinished.trimStart().startsWith("{");
  } finally {
    await file.close();
  }
}

/** The first lines are often summaries and snapshots without a cwd; stops at the first file's first line that has one. */
async function firstCwd(files: readonly string[]): Promise<string | null> {
  for (const path of files) {
    const cwd = await firstField(path, CWD_MARK, cwdOf);
    if (cwd !== undefined) return cwd;
  }
  return null;
}

const CWD_MARK = Buffer.from('"cwd"');

/** undefined: the line names no cwd after all (the mark was inside a value). */
function cwdOf(line: string): string | null | undefined {
  const entry = parseObject(line);
  if (!entry || typeof entry.cwd !== "string" || entry.cwd === "") return undefined;
  // Only an absolute path can name a project; "../../etc" is not one, and "/a//b/" is "/a/b".
  const cwd = projectPathSchema.safeParse(entry.cwd);
  return cwd.success ? cwd.data : null;
}
