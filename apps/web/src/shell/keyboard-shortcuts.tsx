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

/** Sent by the palette button (phones have no Ctrl K). */
export const OPEN_PALETTE_EVENT = "stratavore:open-palette";

/** Opens the command palette: the way in for a touch screen, and a visible one for everyone. */
export function PaletteButton() {
  return (
    <button
      type="button"
      className="btn btn-ghost palette-button"
      aria-label="Search and commands"
      title="Search and commands (Ctrl K)"
      onClick={() => window.dispatchEvent(new Event(OPEN_PALETTE_EVENT))}
    >
      ⌕ Search
    </button>
  );
}

/** The app's keyboard: the palette, "/" to search, "?" for help. */
export function KeyboardShortcuts() {
  // Each opening gets a fresh palette (a new key: empty query, first item chosen). Resetting on
  // the false→true change was not enough: a close and a quick reopen can land in one render on
  // a busy machine, which kept the last query ("settings" + "audit log" matched nothing).
  const [palette, setPalette] = useState({ open: false, opening: 0 });
  const openPalette = () => setPalette((p) => (p.open ? p : { open: true, opening: p.opening + 1 }));
  const closePalette = () => setPalette((p) => ({ ...p, open: false }));
  const [help, setHelp] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setHelp(false);
        setPalette((p) => (p.open ? { ...p, open: false } : { open: true, opening: p.opening + 1 }));
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      if (e.key === "/") {
        e.preventDefault();
        const search = document.querySelector<HTMLInputElement>('main input[type="search"]');
        if (search) search.focus();
        else openPalette();
      } else if (e.key === "?") {
        e.preventDefault();
        setHelp(true);
      }
    };
    const onButton = () => {
      setHelp(false);
      openPalette();
    };
    window.addEventListener("keydown", onKey);
    window.addEventListener(OPEN_PALETTE_EVENT, onButton);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener(OPEN_PALETTE_EVENT, onButton);
    };
  }, []);
  return (
    <>
      <CommandPalette key={palette.opening} open={palette.open} onClose={closePalette} />
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
