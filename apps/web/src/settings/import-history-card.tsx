"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ImportLocalPreview, ServerEventPayload } from "@stratavore/contracts";
import { Alert, Button, Card, formatBytes } from "@stratavore/ui";
import { ImportPreviewTable } from "./import-preview-table";
import { errorMessage } from "../hooks/use-error-message";
import { useRealtimeSocket } from "../realtime/realtime-provider";
import { useTRPC, useTRPCClient } from "../trpc";

type Progress = ServerEventPayload<"import:progress">;

/**
 * Settings → Import history: imports the Claude Code transcripts found on the server's machine
 * (the same import as `stratavore import`, safe to repeat) with live progress — after showing
 * where their sessions will go, since an import can register projects.
 */
export function ImportHistoryCard() {
  const trpc = useTRPC();
  const socket = useRealtimeSocket();
  const [jobId, setJobId] = useState<string | null>(null);
  const [dir, setDir] = useState<string | null>(null);
  // Every job's latest progress, listened to before the job starts: a small import can finish
  // before the mutation's answer (and so the job id) arrives.
  const [byJob, setByJob] = useState<Record<string, Progress>>({});
  const progress = jobId ? (byJob[jobId] ?? null) : null;
  // The folder itself (CLAUDE_CONFIG_DIR's projects, or ~/.claude/projects), not a guess at it.
  const source = useQuery(trpc.usage.importLocalSource.queryOptions());
  // Asked afresh each time (a mutation, not a cached query): the folder changes as claude runs.
  const client = useTRPCClient();
  const preview = useMutation({ mutationFn: () => client.usage.importLocalPreview.query({}) });
  const start = useMutation(
    trpc.usage.importLocal.mutationOptions({
      onSuccess: (r) => {
        setJobId(r.jobId);
        setDir(r.dir);
        preview.reset();
      },
    }),
  );

  useEffect(() => {
    if (!socket) return;
    const onProgress = (p: Progress) => setByJob((all) => ({ ...all, [p.jobId]: p }));
    socket.on("import:progress", onProgress);
    return () => void socket.off("import:progress", onProgress);
  }, [socket]);

  const running = jobId !== null && !progress?.finished;
  const pct =
    progress && progress.sessionsTotal ? Math.round((progress.sessionsDone / progress.sessionsTotal) * 100) : 0;
  return (
    <Card title="Import history">
      <p className="muted">
        Adds the Claude Code sessions already on the server&apos;s machine
        {source.data ? (
          <>
            {" "}
            (in <code data-testid="import-source">{source.data.dir}</code>)
          </>
        ) : null}{" "}
        to the ledger and the archive: their usage, and their transcripts, which can then be searched, exported and
        resumed. Running it again reads only what was written since and changes nothing else.
      </p>
      {start.error ? <Alert>{errorMessage(start.error).message}</Alert> : null}
      {progress?.error ? <Alert>{progress.error}</Alert> : null}
      {jobId ? (
        <div className="import-progress" data-testid="import-progress">
          <progress max={100} value={pct} aria-label="Import progress" />
          <span>
            {dir ? `From ${dir}: ` : ""}
            {progress
              ? `${progress.sessionsDone} / ${progress.sessionsTotal} sessions, ${plural(progress.recordsChanged, "usage record")} added or updated, ${formatBytes(progress.bytesRead)} read` +
                (progress.sessionsUnchanged ? ` (${progress.sessionsUnchanged} unchanged since the last import)` : "")
              : "Scanning…"}
            {progress?.finished && !progress.error ? " — done." : ""}
          </span>
        </div>
      ) : null}
      {preview.error ? <Alert>{errorMessage(preview.error).message}</Alert> : null}
      {preview.data ? (
        <>
          <p data-testid="import-preview-summary">
            {preview.data.sessions === 0
              ? "No Claude Code sessions there."
              : `${sessions(preview.data.sessions)}, ${formatBytes(preview.data.bytes)}. Sessions already here keep their project.`}
          </p>
          {preview.data.sessions ? <ImportPreviewTable preview={preview.data} /> : null}
          {preview.data.skippedFiles ? <SkippedFiles preview={preview.data} /> : null}
          <div className="form-actions">
            <Button
              variant="primary"
              busy={start.isPending}
              disabled={preview.data.sessions === 0}
              onClick={() => start.mutate({})}
            >
              {importLabel(preview.data)}
            </Button>
            <Button onClick={() => preview.reset()}>Cancel</Button>
          </div>
        </>
      ) : (
        <Button variant="primary" busy={preview.isPending || running} onClick={() => preview.mutate()}>
          Import history…
        </Button>
      )}
    </Card>
  );
}

/** Never silent: files the import will not read hold spend it will not count. */
function SkippedFiles({ preview }: { preview: ImportLocalPreview }) {
  const more = preview.skippedFiles - preview.skippedExamples.length;
  return (
    <Alert tone="warning">
      <span data-testid="import-skipped">
        {plural(preview.skippedFiles, ".jsonl file")} will not be read: not Claude Code transcripts by name (&lt;session
        id&gt;.jsonl in a project folder, or a sub-agent file) or by content (not JSON lines), so their usage is not
        counted.
      </span>
      <ul className="mono small">
        {preview.skippedExamples.map((p) => (
          <li key={p}>{p}</li>
        ))}
        {more > 0 ? <li>…and {more} more</li> : null}
      </ul>
    </Alert>
  );
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
const sessions = (n: number) => plural(n, "session");

/** New sessions are imported; ones already here only have what was written since read. */
function importLabel(p: { sessions: number; alreadyImported: number }): string {
  const here = p.alreadyImported;
  const fresh = p.sessions - here;
  if (fresh === 0) return `Update ${sessions(here)}`;
  return here ? `Import ${sessions(fresh)}, update ${here}` : `Import ${sessions(fresh)}`;
}
