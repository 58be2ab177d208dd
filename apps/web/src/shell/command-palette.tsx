"use client";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { roleAtLeast } from "@stratavore/contracts";
import { useMe } from "../require-auth";
import { useTRPC } from "../trpc";
import { matchItems, paletteItems } from "./palette-items";

/**
 * Ctrl/Cmd+K: jump to any page, project, runner or recent session, or start an action, by
 * typing a few letters. A combobox over a listbox (arrow keys move, Enter goes, Escape closes).
 * Its lists are the ones the pages already cache; nothing is fetched until it opens.
 */
export function CommandPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const projects = useQuery({ ...trpc.projects.list.queryOptions({}), enabled: open });
  const runners = useQuery({ ...trpc.runners.list.queryOptions({ status: "active", limit: 500 }), enabled: open });
  const sessions = useQuery({ ...trpc.sessions.list.queryOptions({ limit: 30 }), enabled: open });
  const canLaunch = roleAtLeast(useMe().role, "operator");
  const items = useMemo(
    () =>
      paletteItems({ projects: projects.data, runners: runners.data, sessions: sessions.data?.sessions, canLaunch }),
    [projects.data, runners.data, sessions.data, canLaunch],
  );
  const shown = matchItems(items, query);
  // Enter pressed before the lists arrive waits for them: going at once would pick whatever
  // happened to be loaded first (a runner of the project typed, say, instead of the project).
  const loading = projects.isPending || runners.isPending || sessions.isPending;
  const [goWhenLoaded, setGoWhenLoaded] = useState(false);

  useEffect(() => {
    if (!open) return;
    setQuery("");
    setActive(0);
    setGoWhenLoaded(false);
    input.current?.focus();
  }, [open]);
  useEffect(() => setActive(0), [query]);
  const go = (i: number) => {
    const item = shown[i];
    if (!item) return;
    onClose();
    router.push(item.href);
  };
  useEffect(() => {
    if (!goWhenLoaded || loading) return;
    setGoWhenLoaded(false);
    go(active);
  });
  if (!open) return null;

  return (
    <div className="modal-backdrop palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal palette" role="dialog" aria-modal="true" aria-label="Command palette">
        <input
          ref={input}
          className="input palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={shown[active] ? `${listId}-${active}` : undefined}
          aria-label="Go to or do"
          placeholder="Go to a page, project, runner or session…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") setActive((a) => Math.min(a + 1, shown.length - 1));
            else if (e.key === "ArrowUp") setActive((a) => Math.max(a - 1, 0));
            else if (e.key === "Enter") {
              if (loading) setGoWhenLoaded(true);
              else go(active);
            } else if (e.key === "Escape") onClose();
            else return;
            e.preventDefault();
          }}
        />
        <ul className="palette-list" id={listId} role="listbox" aria-label="Matches">
          {shown.map((it, i) => (
            <li
              key={it.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={`palette-item ${i === active ? "palette-item-active" : ""}`.trim()}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                go(i);
              }}
            >
              <span className="palette-kind">{it.kind}</span>
              <span className="palette-label">{it.label}</span>
              {it.hint ? <span className="muted small ellipsis palette-hint">{it.hint}</span> : null}
            </li>
          ))}
          {loading ? <li className="muted palette-empty">Loading projects, runners and sessions…</li> : null}
          {shown.length === 0 && !loading ? <li className="muted palette-empty">Nothing matches “{query}”.</li> : null}
        </ul>
      </div>
    </div>
  );
}
