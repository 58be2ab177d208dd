import { severityRank, type Announcement, type Severity } from "@stratavore/contracts";

export interface ChannelFilter {
  eventFilter: string[];
  projectFilter: string[];
  minSeverity: string;
}

/** Whether a channel takes an announcement: its types, its projects, at or above its severity. */
export function channelTakes(channel: ChannelFilter, a: Announcement): boolean {
  if (channel.eventFilter.length && !channel.eventFilter.includes(a.event)) return false;
  if (channel.projectFilter.length && !(a.project && channel.projectFilter.includes(a.project.id))) return false;
  return severityRank(a.severity) >= severityRank(channel.minSeverity as Severity);
}
