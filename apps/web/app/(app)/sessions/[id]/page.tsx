"use client";
import { Suspense, use } from "react";
import { LoadingState } from "@stratavore/ui";
import { SessionView } from "../../../../src/sessions/session-view";

// SessionView reads ?entry= (useSearchParams), which needs a Suspense boundary.
export default function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  return (
    <Suspense fallback={<LoadingState />}>
      <SessionView id={id} />
    </Suspense>
  );
}
