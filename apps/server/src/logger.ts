type Level = "error" | "warn" | "info" | "debug";
const RANK: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export type Log = (level: Level, msg: string, meta?: Record<string, unknown>) => void;

/** One-line JSON logs to stderr; stdout stays for what the operator must read (URL, password). */
export function createLogger(min: Level): Log {
  return quietDatabaseOutages((level, msg, meta) => {
    if (RANK[level] > RANK[min]) return;
    process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...meta }) + "\n");
  });
}

/** What PostgreSQL being away looks like in an error, whichever query met it. */
const DATABASE_AWAY =
  /Can't reach database server|57P01|57P03|the database system is (starting up|shutting down|not yet accepting)|Connection terminated|ECONNREFUSED|timeout exceeded when trying to connect/;

/**
 * While the database is away every request, batch and reconciler pass fails with the same
 * cause: the first such error is logged as it is, the next ones for `windowMs` are counted,
 * and one line says how many there were — instead of dozens of identical lines a second
 * burying the one that says what happened.
 */
export function quietDatabaseOutages(log: Log, windowMs = 30_000): Log {
  let until = 0;
  let suppressed = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (suppressed)
      log("error", "more errors while the database was unavailable", { count: suppressed, seconds: windowMs / 1000 });
    suppressed = 0;
  };
  return (level, msg, meta) => {
    const away = level === "error" && DATABASE_AWAY.test(String(meta?.error ?? ""));
    if (!away) return log(level, msg, meta);
    const now = Date.now();
    if (now < until) {
      suppressed++;
      return;
    }
    flush();
    until = now + windowMs;
    log(level, msg, meta);
    timer = setTimeout(flush, windowMs);
    timer.unref();
  };
}
