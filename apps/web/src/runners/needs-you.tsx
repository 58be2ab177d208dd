"use client";
import Link from "next/link";
import { runnerDoing, type Runner } from "@stratavore/contracts";
import { needingSomeone } from "./attention-order";
import { shortId } from "./runner-format";

/** Above the runners list: the ones that need a person now, by name and why. */
export function NeedsYou({ runners }: { runners: Runner[] }) {
  const needing = needingSomeone(runners);
  if (!needing.length) return null;
  return (
    <div className="callout needs-you" role="status" data-testid="needs-you">
      <strong>{needing.length === 1 ? "1 runner needs" : `${needing.length} runners need`} attention:</strong>
      <ul className="inline-list">
        {needing.slice(0, 6).map((r) => {
          const d = runnerDoing(r);
          return (
            <li key={r.id}>
              <Link href={`/runners/${r.id}`} className="mono">
                {shortId(r.id)}
              </Link>{" "}
              <span className="muted">
                ({r.projectName}) {d.label.toLowerCase()}
                {d.detail ? `: ${d.detail}` : ""}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
