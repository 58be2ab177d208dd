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
  forEachUsage(projectsRoot, (id, u) => {
    const t =
      (u.input_tokens ?? 0) +
      (u.output_tokens ?? 0) +
      (u.cache_creation_input_tokens ?? 0) +
      (u.cache_read_input_tokens ?? 0);
    best.set(id, Math.max(best.get(id) ?? 0, t));
  });
  return { messages: best.size, tokens: [...best.values()].reduce((a, b) => a + b, 0) };
}

/** The usage object as a transcript line holds it (snake_case, as the API sends it). */
export type TranscriptUsage = Record<string, number | undefined> & {
  cache_creation?: Record<string, number | undefined>;
};

/** Calls `visit` with every (message id, usage) found in the JSONL files under `root`. */
export function forEachUsage(root: string, visit: (messageId: string, usage: TranscriptUsage) => void): void {
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".jsonl"))
        for (const line of readFileSync(join(dir, e.name), "utf8").split("\n")) {
          if (!line.includes('"usage"')) continue;
          let parsed: { message?: { id?: string; usage?: TranscriptUsage } };
          try {
            parsed = JSON.parse(line) as typeof parsed;
          } catch {
            continue; // a line being written as we read
          }
          const m = parsed.message;
          if (m?.id && m.usage) visit(m.id, m.usage);
        }
    }
  };
  if (existsSync(root)) walk(root);
}
