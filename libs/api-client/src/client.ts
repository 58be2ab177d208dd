import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@stratavore/api";
import { TRPC_MAX_BATCH, TRPC_MAX_URL_LENGTH } from "@stratavore/contracts";

export interface ApiClientOptions {
  /** Server base URL, e.g. http://127.0.0.1:3000 */
  serverUrl: string;
  /** An API token (svt_…) sent as a bearer token. */
  token?: string;
  fetch?: typeof globalThis.fetch;
}

/** The typed client the CLI and agents use; it knows the router only by its type. */
export function createApiClient(opts: ApiClientOptions) {
  const base = opts.serverUrl.replace(/\/+$/, "");
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/api/trpc`,
        transformer: superjson,
        maxItems: TRPC_MAX_BATCH,
        maxURLLength: TRPC_MAX_URL_LENGTH,
        headers: () => (opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        fetch: opts.fetch,
      }),
    ],
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;
