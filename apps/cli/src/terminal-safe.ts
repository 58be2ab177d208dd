/** The styles the CLI itself writes (session-view.ts: bold, dim, their reset). */
const OWN_STYLES = new Set(["\x1b[1m", "\x1b[2m", "\x1b[22m", "\x1b[0m"]);

/**
 * C0 controls but tab and newline, DEL, C1 controls (0x9b alone is a CSI to some terminals),
 * bidirectional overrides (text that reads differently than it is) — and whole SGR sequences,
 * so the CLI's own bold survives as one unit.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /\x1b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the server (transcripts, titles, names) made safe to print on a terminal: every
 * control character is shown, not obeyed, so a transcript cannot retitle the window, clear the
 * screen, plant an OSC 8 link or move the cursor over earlier output. ESC and other C0 controls
 * become their Unicode control pictures (␛ ␇ ␍), the rest `<U+…>`. The live terminal of
 * `attach` and `logs` is a terminal stream and is never passed through here.
 */
export function terminalSafe(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(CONTROLS, (m) => (OWN_STYLES.has(m) ? m : visible(m)));
}

function visible(m: string): string {
  if (m.length > 1) return `\u241b${m.slice(1)}`;
  const code = m.codePointAt(0) ?? 0;
  if (code < 0x20) return String.fromCodePoint(0x2400 + code);
  if (code === 0x7f) return "\u2421";
  return `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
}
