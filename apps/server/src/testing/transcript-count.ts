import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface TranscriptCount {
  /** Distinct API responses (message ids) with usage. */
  messages: number;
  tokens: number;
}

/**
 * What the transcripts under a Claude Code projects folder spent, counted the simplest way and
 * independently of the product's parser: each message id once, at its largest usage. The
 * figure a ledger must equal — no record lost, none counted twice.
 */
export function countTranscripts(projectsRoot: string): TranscriptCount {
  const best = new Map<string, number>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".jsonl"))
        for (const line of readFileSync(join(dir, e.name), "utf8").split("\n")) {
          if (!line.includes('"usage"')) continue;
          let parsed: { message?: { id?: string; usage?: Record<string, number> } };
          try {
            parsed = JSON.parse(line) as typeof parsed;
          } catch {
            continue; // a line being written as we read
          }
          const m = parsed.message;
          if (!m?.id || !m.usage) continue;
          const u = m.usage;
          const t =
            (u.input_tokens ?? 0) +
            (u.output_tokens ?? 0) +
            (u.cache_creation_input_tokens ?? 0) +
            (u.cache_read_input_tokens ?? 0);
          best.set(m.id, Math.max(best.get(m.id) ?? 0, t));
        }
    }
  };
  if (existsSync(projectsRoot)) walk(projectsRoot);
  return { messages: best.size, tokens: [...best.values()].reduce((a, b) => a + b, 0) };
}
