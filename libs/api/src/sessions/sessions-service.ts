import { AppError, type Session } from "@stratavore/contracts";
import {
  entriesPage,
  findNode,
  findProject,
  findSession,
  lastRunnerOfSession,
  listSessions,
  countSessions,
  COST_RANK_WINDOW,
  rawLines,
  archivedBytes,
  searchEntries,
  storeCopyOf,
  type Tx,
} from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import type { ApiDeps } from "../deps.ts";
import { jsonlFile } from "./archive/jsonl-file.ts";
import { launchRunner } from "../runners/launch-service.ts";
import { renderMarkdown } from "./session-markdown.ts";
import { EXPORT_GATE, type ExportGate } from "./export-gate.ts";

export async function browseSessions(
  deps: ApiDeps,
  input: {
    project?: string;
    node?: string;
    since?: Date;
    until?: Date;
    search?: string;
    idPrefix?: string;
    sort: "recent" | "oldest" | "cost" | "messages";
    limit: number;
    cursor?: number;
  },
) {
  const projectId = input.project ? (await findProject(deps.db, input.project))?.id : undefined;
  if (input.project && !projectId) throw new AppError("NOT_FOUND", `No project '${input.project}'.`);
  const nodeId = input.node ? (await findNode(deps.db, input.node, deps.fleet.agents.isConnected))?.id : undefined;
  if (input.node && !nodeId) throw new AppError("NOT_FOUND", `No node '${input.node}'.`);
  const offset = input.cursor ?? 0;
  if (!input.search) {
    const filter = { ...input, projectId, nodeId, offset };
    const [sessions, total] = await Promise.all([listSessions(deps.db, filter), countSessions(deps.db, filter)]);
    // Ranked by cost, only the most recent COST_RANK_WINDOW can be ranked: say so in the total.
    return { sessions, hits: [], total: input.sort === "cost" ? Math.min(total, COST_RANK_WINDOW) : total };
  }
  // Rank broadly first, then apply the node and date filters, then cut to the limit.
  const ranked = await searchEntries(deps.db, input.search, projectId, 500);
  const sessions = await listSessions(deps.db, {
    ids: ranked.map((h) => h.sessionId),
    idPrefix: input.idPrefix,
    projectId,
    nodeId,
    since: input.since,
    until: input.until,
    sort: "recent",
    limit: 500,
  });
  const byId = new Map(sessions.map((s) => [s.id, s]));
  const hits = ranked.flatMap((h) => {
    const session = byId.get(h.sessionId);
    return session ? [{ session, entryId: h.entryId, snippet: h.snippet, rank: h.rank }] : [];
  });
  const page = hits.slice(offset, offset + input.limit);
  return { sessions: page.map((h) => h.session), hits: page, total: hits.length };
}

export async function getSession(deps: ApiDeps | { db: Tx }, id: string): Promise<Session> {
  const s = await findSession(deps.db, id);
  if (!s) throw new AppError("NOT_FOUND", `No session '${id}'.`);
  return s;
}

export async function sessionEntries(deps: ApiDeps, id: string, afterId: string | undefined, limit: number) {
  await getSession(deps, id);
  const rows = await entriesPage(deps.db, id, afterId ? BigInt(afterId) : null, limit);
  const entries = rows.map(({ rawLine, id: entryId, ...e }) => ({
    ...e,
    id: String(entryId),
    raw: safeParse(rawLine),
  }));
  return { entries, nextAfterId: rows.length === limit ? String(rows.at(-1)?.id) : null };
}

function safeParse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

/**
 * Export: the original JSONL (archived lines, byte for byte, in file order), readable Markdown,
 * or structured JSON. Built whole, so it holds a share of the ExportGate until its answer is
 * sent (`whenAnswered`; without it, until it returns).
 */
export async function exportSession(
  deps: ApiDeps & { exportGate?: ExportGate },
  id: string,
  format: "jsonl" | "md" | "json",
  whenAnswered?: (fn: () => void) => void,
) {
  const session = await getSession(deps, id);
  const release = (deps.exportGate ?? EXPORT_GATE).reserve(await archivedBytes(deps.db, id));
  if (whenAnswered) whenAnswered(release);
  try {
    return await buildExport(deps, session, id, format);
  } finally {
    if (!whenAnswered) release();
  }
}

async function buildExport(deps: ApiDeps, session: Session, id: string, format: "jsonl" | "md" | "json") {
  const lines = await rawLines(deps.db, id);
  if (format === "jsonl") {
    const file = jsonlFile(lines.filter((l) => l.file === ""));
    return {
      filename: `${id}.jsonl`,
      contentType: "application/x-ndjson",
      content: file.text,
      ...(file.bytes ? { contentBase64: file.bytes.toString("base64") } : {}),
    };
  }
  const parsed = lines.map((l) => ({ file: l.file, entry: safeParse(l.rawLine) }));
  if (format === "json")
    return {
      filename: `${id}.json`,
      contentType: "application/json",
      content: JSON.stringify({ session, entries: parsed }, null, 2),
    };
  return { filename: `${id}.md`, contentType: "text/markdown", content: renderMarkdown(session, parsed) };
}

/**
 * Resume (or fork) a session in a new runner: its original node when online with room and the
 * project's folder, else any that has it; or the one asked for. It carries the model and claude flags of the session's last runner unless
 * the caller gives its own (the auto-restart keeps them too); the prompt is the next message.
 */
export async function resumeSession(
  deps: ApiDeps,
  actor: Principal,
  input: { id: string; node?: string; fork: boolean; prompt?: string; model?: string; extraArgs?: string[] },
) {
  const session = await getSession(deps, input.id);
  if (!session.projectName)
    throw new AppError(
      "VALIDATION",
      "This session belongs to no project, so there is nowhere to resume it; import it under a project first.",
    );
  if (!session.resumable)
    throw new AppError(
      "NOT_RESUMABLE",
      "This session was imported as usage only: its transcript is on the machine it came from, not in the archive. Import it with Settings → Import history on that machine to archive it, then resume.",
    );
  const last = await lastRunnerOfSession(deps.db, session.id);
  return launchRunner(
    deps,
    actor,
    {
      project: session.projectName,
      mode: "resume",
      resumeSessionId: session.id,
      fork: input.fork,
      node: input.node,
      labels: [],
      prompt: input.prompt,
      model: input.model ?? last?.model ?? undefined,
      extraArgs: input.extraArgs ?? last?.flags ?? [],
    },
    // Its own node first (the transcript is there), but only as a preference: a node that no
    // longer has the project's folder is passed over like any other.
    { preferNodeId: session.nodeId ?? undefined },
  );
}

/** Where the stored copy of an ended session is, with its checksum (DESIGN §5). */
export async function storedTranscript(deps: ApiDeps, id: string) {
  await getSession(deps, id);
  const row = await storeCopyOf(deps.db, id);
  if (!row?.transcriptKey)
    return { stored: false, url: null, sha256: null, sizeBytes: null, archivedAt: row?.archivedAt ?? null };
  return {
    stored: true,
    url: await deps.transcripts.downloadUrl(row.transcriptKey, 900),
    sha256: row.transcriptSha256,
    sizeBytes: row.transcriptSize === null ? null : Number(row.transcriptSize),
    archivedAt: row.archivedAt,
  };
}
