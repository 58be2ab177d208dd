import type { QueryClient, QueryKey } from "@tanstack/react-query";

/**
 * Fetches a live list again without cancelling a fetch already under way. The default
 * (`cancelRefetch: true`) aborts an in-flight "Load more" and refetches only the pages already
 * shown, so a click made while the fleet was busy was lost. Instead the fetch is let finish and
 * the list (its new page included) is fetched after it, so the change that asked for the
 * refresh still shows even if the fleet then goes quiet.
 */
export async function refreshList(qc: QueryClient, queryKey: QueryKey): Promise<void> {
  await settled(qc, queryKey);
  await qc.invalidateQueries({ queryKey }, { cancelRefetch: false });
}

/** Resolves once no query under `queryKey` is fetching. */
function settled(qc: QueryClient, queryKey: QueryKey): Promise<void> {
  if (qc.isFetching({ queryKey }) === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = qc.getQueryCache().subscribe(() => {
      if (qc.isFetching({ queryKey }) > 0) return;
      stop();
      resolve();
    });
  });
}
