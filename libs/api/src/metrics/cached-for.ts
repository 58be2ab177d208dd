/**
 * Wraps a loader so calls within `ms` of the last load share its result (and a load in flight
 * is shared too): the metric families fed by one query read it once per scrape. A failed load
 * is not kept.
 */
export function cachedFor<T>(ms: number, load: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (last && Date.now() - last.at < ms) return last.value;
    const value = load();
    const entry = { at: Date.now(), value };
    last = entry;
    value.catch(() => {
      if (last === entry) last = null;
    });
    return value;
  };
}
