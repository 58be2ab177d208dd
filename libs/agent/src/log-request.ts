import { logsRequestSchema, type LogsAck } from "@stratavore/contracts";
import { readLogTail } from "@stratavore/runner";

const NO_LOG: LogsAck = { ok: false, code: "NO_LOG", message: "No log for this runner on its node." };

/** The tail of a runner's log file on this node (it outlives the runner), as `agent:logs` answers. */
export async function answerLogRequest(logDir: string, raw: unknown): Promise<LogsAck> {
  const p = logsRequestSchema.safeParse(raw);
  if (!p.success) return { ok: false, code: "NO_LOG", message: "Malformed request." };
  const lines = await readLogTail(logDir, p.data.runnerId, p.data.maxLines).catch(() => []);
  return lines.length ? { ok: true, lines } : NO_LOG;
}
