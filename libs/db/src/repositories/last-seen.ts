/** "Last used" times are written at most once a minute per row, so reads do not become writes. */
export const LAST_SEEN_EVERY_MS = 60_000;

/** Whether a row last seen at `last` is due a new "last used" write. */
export const lastSeenDue = (last: Date | null, now: Date): boolean =>
  !last || now.getTime() - last.getTime() >= LAST_SEEN_EVERY_MS;

/** The cut-off the conditional UPDATE uses, so racing requests still write once. */
export const lastSeenBefore = (now: Date): Date => new Date(now.getTime() - LAST_SEEN_EVERY_MS);
