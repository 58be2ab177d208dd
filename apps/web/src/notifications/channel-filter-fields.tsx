"use client";
import { useQuery } from "@tanstack/react-query";
import { ANNOUNCED_EVENTS, type AnnouncedEvent, type Severity } from "@stratavore/contracts";
import { Field, Select } from "@stratavore/ui";
import { useTRPC } from "../trpc";

const EVENTS = ANNOUNCED_EVENTS.filter((e) => e !== "channel.test");

export interface ChannelFilter {
  eventFilter: AnnouncedEvent[];
  projectFilter: string[];
  minSeverity: Severity;
}

const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

/** Which events a channel takes: types, projects, lowest severity (shared by adding and editing). */
export function ChannelFilterFields({
  idPrefix,
  value,
  onChange,
}: {
  idPrefix: string;
  value: ChannelFilter;
  onChange: (next: ChannelFilter) => void;
}) {
  const trpc = useTRPC();
  const projects = useQuery(trpc.projects.list.queryOptions({}));
  return (
    <>
      <fieldset className="fieldset">
        <legend>Events (none ticked: all)</legend>
        <div className="check-grid">
          {EVENTS.map((e) => (
            <label key={e} className="check">
              <input
                type="checkbox"
                checked={value.eventFilter.includes(e)}
                onChange={() => onChange({ ...value, eventFilter: toggle(value.eventFilter, e) })}
              />{" "}
              {e}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="fieldset">
        <legend>Projects (none ticked: all)</legend>
        <div className="check-grid">
          {(projects.data ?? []).map((p) => (
            <label key={p.id} className="check">
              <input
                type="checkbox"
                checked={value.projectFilter.includes(p.id)}
                onChange={() => onChange({ ...value, projectFilter: toggle(value.projectFilter, p.id) })}
              />{" "}
              {p.name}
            </label>
          ))}
        </div>
      </fieldset>
      <Field label="Lowest severity" htmlFor={`${idPrefix}-sev`}>
        <Select
          id={`${idPrefix}-sev`}
          value={value.minSeverity}
          onChange={(e) => onChange({ ...value, minSeverity: e.target.value as Severity })}
        >
          <option value="info">Info and up</option>
          <option value="warning">Warning and up</option>
          <option value="critical">Critical only</option>
        </Select>
      </Field>
    </>
  );
}
