"use client";

/** What each key sends to the PTY, as a terminal keyboard would. */
export const TERMINAL_KEYS: ReadonlyArray<{ label: string; name: string; data: string }> = [
  { label: "Esc", name: "Esc", data: "\x1b" },
  { label: "Ctrl C", name: "Ctrl C (interrupt)", data: "\x03" },
  { label: "Tab", name: "Tab", data: "\t" },
  { label: "⇧Tab", name: "Shift Tab", data: "\x1b[Z" },
  { label: "↑", name: "Up", data: "\x1b[A" },
  { label: "↓", name: "Down", data: "\x1b[B" },
  { label: "←", name: "Left", data: "\x1b[D" },
  { label: "→", name: "Right", data: "\x1b[C" },
  { label: "⏎", name: "Enter", data: "\r" },
];

/**
 * The keys a phone's keyboard lacks — interrupting claude, leaving a dialog, moving through its
 * menus — as buttons under the terminal (shown on touch screens and narrow windows).
 */
export function TerminalKeys({ send }: { send: (data: string) => void }) {
  return (
    <div className="terminal-keys" role="toolbar" aria-label="Terminal keys">
      {TERMINAL_KEYS.map((k) => (
        <button
          key={k.name}
          type="button"
          className="btn btn-sm"
          aria-label={k.name}
          // Keep the terminal's focus (and the phone's keyboard) where it is.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => send(k.data)}
        >
          {k.label}
        </button>
      ))}
    </div>
  );
}
