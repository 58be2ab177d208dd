"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ServerEventPayload } from "@stratavore/contracts";
import { Alert, Button, Card, formatBytes } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useRealtimeSocket } from "../realtime/realtime-provider";
import { useTRPC } from "../trpc";

type Progress = ServerEventPayload<"import:progress">;

/**
 * Settings → Import history: imports the Claude Code transcripts found on the server's machine
 * (the same import as `stratavore import`, safe to repeat) with live progress.
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
  const start = useMutation(
    trpc.usage.importLocal.mutationOptions({
      onSuccess: (r) => {
        setJobId(r.jobId);
        setDir(r.dir);
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
              ? `${progress.sessionsDone} / ${progress.sessionsTotal} sessions, ${progress.recordsChanged} usage records added or updated, ${formatBytes(progress.bytesRead)} read` +
                (progress.sessionsUnchanged ? ` (${progress.sessionsUnchanged} unchanged since the last import)` : "")
              : "Scanning…"}
            {progress?.finished && !progress.error ? " — done." : ""}
          </span>
        </div>
      ) : null}
      <Button variant="primary" busy={start.isPending || running} onClick={() => start.mutate({})}>
        Import history
      </Button>
    </Card>
  );
}
