"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchStreamLink } from "@trpc/client";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "@stratavore/api-client";
import { TRPC_MAX_BATCH, TRPC_MAX_URL_LENGTH } from "@stratavore/contracts";
import { TRPCProvider } from "./trpc";

function isAuthError(err: unknown): boolean {
  const code = (err as { data?: { code?: string } } | null)?.data?.code;
  return code === "UNAUTHORIZED" || code === "FORBIDDEN" || code === "NOT_FOUND" || code === "BAD_REQUEST";
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // Realtime events keep caches fresh; refetching on focus would only add load.
          queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: (n, err) => !isAuthError(err) && n < 2 },
        },
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // Streamed: each answer of a batch arrives when it is ready, so a page's fast cards do
        // not wait for its slowest query (the Usage page's totals waited for its top sessions).
        httpBatchStreamLink({
          url: "/api/trpc",
          transformer: superjson,
          maxItems: TRPC_MAX_BATCH,
          maxURLLength: TRPC_MAX_URL_LENGTH,
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
