/**
 * After a (re)connect, load what was missed before saying "live": if any backfill fails the
 * state is "stale" and the whole catch-up runs again after `retryMs` while still connected.
 * Returns a cancel function (disconnect, unmount).
 */
export function catchUp(opts: {
  backfills: Array<() => Promise<unknown>>;
  connected: () => boolean;
  setState: (s: "live" | "stale") => void;
  retryMs?: number;
}): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const run = async () => {
    const results = await Promise.allSettled(opts.backfills.map((b) => b()));
    if (cancelled || !opts.connected()) return;
    if (results.every((r) => r.status === "fulfilled")) return opts.setState("live");
    opts.setState("stale");
    timer = setTimeout(() => void run(), opts.retryMs ?? 3000);
  };
  void run();
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
