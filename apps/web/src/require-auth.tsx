"use client";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { createContext, useContext, useEffect, type ReactNode } from "react";
import type { Whoami } from "@stratavore/contracts";
import { LoadingState } from "@stratavore/ui";
import { useTRPC } from "./trpc";

const MeContext = createContext<Whoami | null>(null);

/** The signed-in user; only rendered below RequireAuth, so never null there. */
export function useMe(): Whoami {
  const me = useContext(MeContext);
  if (!me) throw new Error("useMe outside RequireAuth");
  return me;
}

/** Sends anonymous visitors (or expired sessions) to the login page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const path = usePathname();
  const me = useQuery(trpc.auth.whoami.queryOptions(undefined, { retry: false }));
  const unauthenticated = me.error?.data?.code === "UNAUTHORIZED";
  useEffect(() => {
    if (unauthenticated) router.replace(`/login?next=${encodeURIComponent(path)}`);
  }, [unauthenticated, router, path]);
  if (me.data) return <MeContext.Provider value={me.data}>{children}</MeContext.Provider>;
  if (me.error && !unauthenticated) {
    return (
      <div className="state state-error" role="alert">
        Cannot reach the server: {me.error.message}
      </div>
    );
  }
  return <LoadingState label="Signing you in…" />;
}
