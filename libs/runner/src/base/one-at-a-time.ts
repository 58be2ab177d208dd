/**
 * Runs async work one call after another, in call order; a failed call does not stop the
 * next. For state that two overlapping calls would corrupt (a file offset read twice, a
 * freeze thawed by a second pause, a spool written behind a read).
 */
export function oneAtATime(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}
