type Level = "error" | "warn" | "info" | "debug";
const RANK: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export type Log = (level: Level, msg: string, meta?: Record<string, unknown>) => void;

/** One-line JSON logs to stderr; stdout stays for what the operator must read (URL, password). */
export function createLogger(min: Level): Log {
  return (level, msg, meta) => {
    if (RANK[level] > RANK[min]) return;
    process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...meta }) + "\n");
  };
}
