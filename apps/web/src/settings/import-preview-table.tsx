"use client";
import Link from "next/link";
import type { ImportLocalPreview } from "@stratavore/contracts";
import { Badge, formatBytes } from "@stratavore/ui";

/**
 * Where Settings → Import history would put the sessions it found, before it does: by the folder
 * each session ran in, the existing project it joins, the project it makes there, or none.
 */
export function ImportPreviewTable({ preview }: { preview: ImportLocalPreview }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Where the sessions go">
      <table className="table" data-testid="import-preview">
        <thead>
          <tr>
            <th>Folder the sessions ran in</th>
            <th>Goes to</th>
            <th>Sessions</th>
            <th className="hide-sm">Size</th>
          </tr>
        </thead>
        <tbody>
          {preview.destinations.map((d) => (
            <tr key={d.path ?? ""}>
              <td className="mono wrap-anywhere">{d.path ?? <span className="muted">none recorded</span>}</td>
              <td>
                {d.project ? (
                  <Link href={`/projects/${encodeURIComponent(d.project.name)}`}>{d.project.name}</Link>
                ) : d.path ? (
                  <Badge tone="blue" title="The import registers a project at this folder">
                    new project
                  </Badge>
                ) : (
                  <span className="muted">no project</span>
                )}
              </td>
              <td>
                {d.sessions}
                {d.alreadyImported ? <span className="muted small"> ({d.alreadyImported} already here)</span> : null}
              </td>
              <td className="hide-sm">{formatBytes(d.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview.moreDestinations ? <p className="muted small">…and {preview.moreDestinations} more folders.</p> : null}
    </div>
  );
}
