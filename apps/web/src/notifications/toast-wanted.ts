import { severityRank, type NotificationItem, type NotificationPrefs } from "@stratavore/contracts";

/** Whether a new notification pops up: at or above the chosen severity, and of a ticked type (none ticked: any). */
export function toastWanted(prefs: NotificationPrefs, n: Pick<NotificationItem, "type" | "severity">): boolean {
  if (prefs.toastSeverity === "off") return false;
  if (severityRank(n.severity) < severityRank(prefs.toastSeverity)) return false;
  return prefs.toastEvents.length === 0 || (prefs.toastEvents as string[]).includes(n.type);
}
