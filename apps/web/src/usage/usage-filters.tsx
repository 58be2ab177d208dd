"use client";
import { useState, type FormEvent } from "react";
import type { Project } from "@stratavore/contracts";
import { Button, DateInput, Select } from "@stratavore/ui";
import { RANGE_DAYS, dayKey, rangeStart, type UsageRange } from "./usage-dates";

/** Project and date-range filters of the usage report: the last 7/30/90 days, or chosen days. */
export function UsageFilters({
  project,
  range,
  projects,
  onChange,
}: {
  project: string;
  range: UsageRange;
  projects: Project[];
  onChange: (next: { project: string; range: UsageRange }) => void;
}) {
  const [custom, setCustom] = useState(range.kind === "custom");
  const [from, setFrom] = useState(range.kind === "custom" ? range.from : dayKey(rangeStart(30)));
  const [to, setTo] = useState(range.kind === "custom" ? range.to : dayKey(new Date()));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    onChange({ project, range: { kind: "custom", from, to } });
  };
  return (
    <div className="toolbar">
      <Select aria-label="Project" value={project} onChange={(e) => onChange({ project: e.target.value, range })}>
        <option value="">All projects</option>
        {projects.map((p) => (
          <option key={p.id} value={p.name}>
            {p.name}
          </option>
        ))}
      </Select>
      <div className="segmented" role="group" aria-label="Date range">
        {RANGE_DAYS.map((d) => {
          const on = !custom && range.kind === "days" && range.days === d;
          return (
            <button
              key={d}
              type="button"
              className={`segment ${on ? "segment-on" : ""}`.trim()}
              aria-pressed={on}
              onClick={() => {
                setCustom(false);
                onChange({ project, range: { kind: "days", days: d } });
              }}
            >
              {d} days
            </button>
          );
        })}
        <button
          type="button"
          className={`segment ${custom ? "segment-on" : ""}`.trim()}
          aria-pressed={custom}
          onClick={() => setCustom(true)}
        >
          Custom
        </button>
      </div>
      {custom ? (
        <form className="range-form" onSubmit={apply} aria-label="Custom date range">
          <DateInput label="From" value={from} max={to} onChange={(e) => setFrom(e.target.value)} required />
          <DateInput label="To" value={to} min={from} onChange={(e) => setTo(e.target.value)} required />
          <Button type="submit" size="sm">
            Show
          </Button>
        </form>
      ) : null}
    </div>
  );
}
