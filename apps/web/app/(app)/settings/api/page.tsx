"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { ErrorState, LoadingState, PageHeader } from "@stratavore/ui";
import { ApiReference } from "../../../../src/settings/api-reference";
import { endpointsByTag, type OpenApiDoc } from "../../../../src/settings/openapi-view";

const OPENAPI_URL = "/api/openapi.json";

export default function ApiReferencePage() {
  const doc = useQuery({
    queryKey: ["openapi"],
    queryFn: async (): Promise<OpenApiDoc> => {
      const res = await fetch(OPENAPI_URL);
      if (!res.ok) throw new Error(`The API document did not load (HTTP ${res.status}).`);
      return (await res.json()) as OpenApiDoc;
    },
    staleTime: Infinity,
  });
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <>
      <nav className="crumbs">
        <Link href="/settings">Settings</Link> / <span>REST API</span>
      </nav>
      <PageHeader
        title="REST API"
        description="Every route below takes an API token as 'Authorization: Bearer <token>'; reads need the read scope, changes the write scope."
      />
      <p>
        <a href={OPENAPI_URL} download="stratavore-openapi.json">
          OpenAPI 3.1 document
        </a>{" "}
        · <Link href="/settings/tokens">Create an API token</Link>
      </p>
      {doc.isPending ? (
        <LoadingState />
      ) : doc.isError ? (
        <ErrorState message={doc.error.message} onRetry={() => doc.refetch()} />
      ) : (
        <ApiReference groups={endpointsByTag(doc.data)} origin={origin} />
      )}
    </>
  );
}
