import type { QueryClient, QueryKey } from "@tanstack/react-query";

/**
 * Fetches a live list again without cancelling a fetch already under way. The default
 * (`cancelRefetch: true`) aborts an in-flight "Load more" and refetches only the pages already
 * shown, so a click made while the fleet was busy was lost. A fetch in flight started moments
 * ago is fresh enough; the next fleet event refreshes again.
 */
export function refreshList(qc: QueryClient, queryKey: QueryKey): Promise<void> {
  return qc.invalidateQueries({ queryKey }, { cancelRefetch: false });
}
