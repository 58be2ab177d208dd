"use client";
import type { Project } from "@stratavore/contracts";
import { Select } from "@stratavore/ui";
import { RANGE_DAYS, type RangeDays } from "./usage-dates";

/** Project and date-range filters of the usage report. */
export function UsageFilters({
  project,
  days,
  projects,
  onChange,
}: {
  project: string;
  days: RangeDays;
  projects: Project[];
  onChange: (next: { project: string; days: RangeDays }) => void;
}) {
  return (
    <div className="toolbar">
      <Select aria-label="Project" value={project} onChange={(e) => onChange({ project: e.target.value, days })}>
        <option value="">All projects</option>
        {projects.map((p) => (
          <option key={p.id} value={p.name}>
            {p.name}
          </option>
        ))}
      </Select>
      <div className="segmented" role="group" aria-label="Date range">
        {RANGE_DAYS.map((d) => (
          <button
            key={d}
            type="button"
            className={`segment ${d === days ? "segment-on" : ""}`.trim()}
            aria-pressed={d === days}
            onClick={() => onChange({ project, days: d })}
          >
            {d} days
          </button>
        ))}
      </div>
    </div>
  );
}
