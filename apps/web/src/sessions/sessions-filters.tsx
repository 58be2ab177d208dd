"use client";
import type { Project } from "@stratavore/contracts";
import { DateInput, Select } from "@stratavore/ui";
import { SESSION_SORTS, type SessionSort } from "./session-format";

export interface SessionFilterValues {
  project: string;
  since: string;
  until: string;
  sort: SessionSort;
}

const SORT_LABELS: Record<SessionSort, string> = {
  recent: "Most recent",
  oldest: "Oldest",
  cost: "Highest cost",
  messages: "Most messages",
};

/** Search box plus project, date range (YYYY-MM-DD, local days) and sort. */
export function SessionsFilters({
  search,
  onSearch,
  values,
  projects,
  onChange,
}: {
  search: string;
  onSearch: (q: string) => void;
  values: SessionFilterValues;
  projects: Project[];
  onChange: (next: SessionFilterValues) => void;
}) {
  const set = (patch: Partial<SessionFilterValues>) => onChange({ ...values, ...patch });
  return (
    <div className="toolbar">
      <input
        type="search"
        className="input"
        aria-label="Search transcripts"
        placeholder="Search transcripts…"
        value={search}
        onChange={(e) => onSearch(e.target.value)}
      />
      <Select aria-label="Project" value={values.project} onChange={(e) => set({ project: e.target.value })}>
        <option value="">All projects</option>
        {projects.map((p) => (
          <option key={p.id} value={p.name}>
            {p.name}
          </option>
        ))}
      </Select>
      <DateInput
        label="From"
        title="From (inclusive)"
        value={values.since}
        max={values.until || undefined}
        onChange={(e) => set({ since: e.target.value })}
      />
      <DateInput
        label="To"
        title="To (inclusive)"
        value={values.until}
        min={values.since || undefined}
        onChange={(e) => set({ until: e.target.value })}
      />
      <Select aria-label="Sort" value={values.sort} onChange={(e) => set({ sort: e.target.value as SessionSort })}>
        {SESSION_SORTS.map((s) => (
          <option key={s} value={s}>
            {SORT_LABELS[s]}
          </option>
        ))}
      </Select>
    </div>
  );
}
