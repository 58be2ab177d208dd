import type { Project, Runner, Session } from "@stratavore/contracts";

export interface PaletteItem {
  id: string;
  /** What it is, shown in a small badge: page, action, project, runner, session. */
  kind: string;
  label: string;
  hint?: string;
  href: string;
}

const PAGES: [string, string][] = [
  ["Dashboard", "/"],
  ["Projects", "/projects"],
  ["Runners", "/runners"],
  ["Sessions", "/sessions"],
  ["Usage", "/usage"],
  ["Budgets", "/budgets"],
  ["Nodes", "/nodes"],
  ["Notifications", "/notifications"],
  ["Settings", "/settings"],
  ["Settings · Users", "/settings/users"],
  ["Settings · API tokens", "/settings/tokens"],
  ["Settings · API reference", "/settings/api"],
  ["Settings · Pricing", "/settings/pricing"],
  ["Settings · Notification channels", "/settings/notifications"],
  ["Settings · Jobs", "/settings/jobs"],
  ["Settings · Audit log", "/settings/audit"],
];

/** Everything the palette can jump to or do, from what the page already has loaded. */
export function paletteItems(data: {
  projects?: Project[];
  runners?: Runner[];
  sessions?: Session[];
  /** Operators and admins may launch; viewers are not offered it. */
  canLaunch?: boolean;
}): PaletteItem[] {
  const items: PaletteItem[] = PAGES.map(([label, href]) => ({ id: `page:${href}`, kind: "page", label, href }));
  if (data.canLaunch)
    items.push({ id: "action:new-project", kind: "action", label: "Create a project", href: "/projects?new=1" });
  for (const p of data.projects ?? []) {
    if (p.status === "archived") continue;
    items.push({ id: `project:${p.id}`, kind: "project", label: p.name, hint: p.path, href: `/projects/${p.name}` });
    if (data.canLaunch)
      items.push({
        id: `launch:${p.id}`,
        kind: "action",
        label: `Launch a runner in ${p.name}`,
        href: `/projects/${encodeURIComponent(p.name)}?launch=1`,
      });
  }
  for (const r of data.runners ?? [])
    items.push({
      id: `runner:${r.id}`,
      kind: "runner",
      label: `${r.id.slice(0, 8)} · ${r.projectName}`,
      hint: [r.status, r.activity === "waiting" ? "waiting for you" : null, r.prompt ?? r.sessionTitle]
        .filter(Boolean)
        .join(" · "),
      href: `/runners/${r.id}`,
    });
  for (const s of data.sessions ?? [])
    items.push({
      id: `session:${s.id}`,
      kind: "session",
      label: s.title ?? s.id.slice(0, 8),
      hint: s.projectName ?? undefined,
      href: `/sessions/${encodeURIComponent(s.id)}`,
    });
  return items;
}

/**
 * Items matching every word typed (in the label, the hint or the kind), best first: a label
 * starting with the query, then one containing it, then the rest; at most `limit`.
 */
export function matchItems(items: PaletteItem[], query: string, limit = 12): PaletteItem[] {
  const q = query.trim().toLowerCase();
  if (!q) return items.slice(0, limit);
  const words = q.split(/\s+/);
  const score = (it: PaletteItem) => {
    const label = it.label.toLowerCase();
    if (label.startsWith(q)) return 0;
    if (label.includes(q)) return 1;
    return 2;
  };
  return items
    .filter((it) => {
      const hay = `${it.label} ${it.hint ?? ""} ${it.kind}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .map((it, i) => ({ it, s: score(it), i }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .slice(0, limit)
    .map((x) => x.it);
}
