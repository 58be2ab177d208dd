"use client";
import { Suspense } from "react";
import { LoadingState, PageHeader } from "@stratavore/ui";
import { SessionsBrowser } from "../../../src/sessions/sessions-browser";

// useSearchParams needs a Suspense boundary for the static build.
export default function SessionsPage() {
  return (
    <>
      <PageHeader
        title="Sessions"
        description="Claude Code conversations with their transcripts. Search covers every recorded message and tool call."
      />
      <Suspense fallback={<LoadingState />}>
        <SessionsBrowser />
      </Suspense>
    </>
  );
}
