/**
 * Runs `work` over `items`, at most `limit` at a time, each item once, in order of start, and
 * returns only when every one has finished — then throws the first failure, if any. (Returning
 * at the first failure let the next tick ship the same arrays beside workers still running.)
 */
export async function eachAtMost<T>(limit: number, items: T[], work: (item: T) => Promise<void>): Promise<void> {
  const next = items[Symbol.iterator]();
  const failures: unknown[] = [];
  const worker = async () => {
    for (let it = next.next(); !it.done; it = next.next())
      await work(it.value).catch((err: unknown) => failures.push(err));
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length) throw failures[0];
}
