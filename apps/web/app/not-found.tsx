import Link from "next/link";
import { EmptyState } from "@stratavore/ui";

/** Any address the dashboard does not have: say so and offer the way back, not a bare 404. */
export default function NotFound() {
  return (
    <main className="not-found">
      <EmptyState
        title="Page not found"
        action={
          <nav aria-label="Where to go instead" className="not-found-links">
            <Link href="/">Dashboard</Link>
            <Link href="/projects">Projects</Link>
            <Link href="/runners">Runners</Link>
            <Link href="/sessions">Sessions</Link>
          </nav>
        }
      >
        Nothing lives at this address. It may have been mistyped, or what it pointed to was deleted.
      </EmptyState>
    </main>
  );
}
