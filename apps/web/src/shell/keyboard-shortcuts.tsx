"use client";
import { useEffect, useState } from "react";
import { Modal } from "@stratavore/ui";
import { CommandPalette } from "./command-palette";

/** Typing into these must never trigger a shortcut (the terminal is a textarea xterm owns). */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

export const SHORTCUTS: [string, string][] = [
  ["Ctrl K  /  ⌘ K", "Open the command palette: jump to a page, project, runner or session; launch a runner"],
  ["/", "Search on this page (sessions, projects); elsewhere, open the palette"],
  ["?", "This list"],
  ["Esc", "Close a dialog or the palette"],
];

/** The app's keyboard: the palette, "/" to search, "?" for help. */
export function KeyboardShortcuts() {
  const [palette, setPalette] = useState(false);
  const [help, setHelp] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setHelp(false);
        setPalette((p) => !p);
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      if (e.key === "/") {
        e.preventDefault();
        const search = document.querySelector<HTMLInputElement>('main input[type="search"]');
        if (search) search.focus();
        else setPalette(true);
      } else if (e.key === "?") {
        e.preventDefault();
        setHelp(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <>
      <CommandPalette open={palette} onClose={() => setPalette(false)} />
      <Modal title="Keyboard shortcuts" open={help} onClose={() => setHelp(false)}>
        <dl className="details shortcuts">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys} className="shortcut">
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </Modal>
    </>
  );
}
