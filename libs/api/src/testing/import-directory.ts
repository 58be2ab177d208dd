import { parseSessionFiles, scanHistory } from "@stratavore/runner";
import type { createCaller } from "../app/app-router.ts";

/**
 * Imports a Claude Code projects directory as `stratavore import` sends it: each session parsed,
 * then one `usage.import` call per session. Returns the records the calls changed.
 */
export async function importDirectory(api: ReturnType<typeof createCaller>, root: string): Promise<number> {
  let changed = 0;
  for await (const s of scanHistory(root)) {
    const p = await parseSessionFiles(s.files, s.sessionId);
    const res = await api.usage.import({
      sessions: [
        {
          sessionId: s.sessionId,
          cwd: s.cwd,
          title: p.title,
          firstAt: p.firstAt,
          lastAt: p.lastAt,
          messageCount: p.messageCount,
          records: p.records,
        },
      ],
    });
    changed += res.recordsChanged;
  }
  return changed;
}
