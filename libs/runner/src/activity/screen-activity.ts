/** What a runner's claude is doing, read from its screen. */
export type ActivityState = "working" | "waiting" | "idle";

export interface ScreenReading {
  state: ActivityState;
  /** The line a person would read first: the question when it waits, else its latest output. */
  line: string | null;
}

const MAX_LINE = 200;
/** Claude's footer while a turn runs ("… · esc to interrupt"); gone when the turn ends. */
const WORKING = /\besc to interrupt\b/i;
/** Its dialogs (permission, questions, mode choices) end in "Esc to cancel"; some only ask. */
const WAITING = [/\bEsc to cancel\b/, /^\s*Do you want to\b/, /^\s*Would you like to\b/];
/** A rule of box-drawing dashes: the input box's edges, a dialog's top. */
const RULE = /^\s*[─━╌]{8,}\s*$/;
/** Status lines that change every second and say nothing: spinners, timers, the effort dial. */
const STATUS = [
  /^\s*[✻✽✶✳✢·*]\s+\S+…/,
  /^\s*[✻✽✶✳✢·*]\s+\S+ for \d+/,
  /\/effort\s*$/,
  /^\s*⏵⏵/,
  // Key hints in parentheses under a running tool: "(ctrl+b to run in background)".
  /^\s*\((?:ctrl|shift|alt|esc|tab)\S* to [^)]*\)\s*$/i,
];
/** The welcome banner's logo (block glyphs beside the version, model and folder): not output. */
const BANNER = /[▐▛█▜▝▘▀▄▌▙▟▞▚▗▖]{2,}/;
/** An empty prompt: the fake's "> " or the real one's "❯ " inside the input box. */
const EMPTY_PROMPT = /^\s*[>❯]\s*$/;

const clean = (line: string): string =>
  line
    .replace(/^\s*(?:[●⏺⎿]\s*)+/, "")
    .trim()
    .slice(0, MAX_LINE);

/**
 * Reads claude 2.1's screen (and the fake's, which prints the same markers): a turn in progress
 * shows "esc to interrupt" in its footer; a dialog waiting on the user ends in "Esc to cancel"
 * or asks "Do you want to …?"; anything else is idle at the prompt. Fixtures recorded from
 * the real binary are in ./fixtures.
 */
export function readScreen(lines: readonly string[]): ScreenReading {
  if (lines.some((l) => WORKING.test(l))) return { state: "working", line: latestOutput(lines) };
  if (lines.some((l) => WAITING.some((re) => re.test(l)))) return { state: "waiting", line: question(lines) };
  return { state: "idle", line: latestOutput(lines) };
}

/** The last question asked on screen, or the dialog's first line after its top rule. */
function question(lines: readonly string[]): string | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = clean(lines[i] ?? "");
    if (l.endsWith("?") && !l.startsWith("?")) return l;
  }
  const top = lastIndex(lines, (l) => RULE.test(l));
  const first = lines.slice(top + 1).find((l) => l.trim() !== "");
  return first === undefined ? null : clean(first);
}

/** The last line of output above the input box, skipping status lines and the bare prompt. */
function latestOutput(lines: readonly string[]): string | null {
  // The input box is two rules around the prompt at the bottom: read above the upper one.
  const lower = lastIndex(lines, (l) => RULE.test(l));
  const upper = lower > 0 ? lastIndex(lines.slice(0, lower), (l) => RULE.test(l)) : -1;
  const boxed = upper >= 0 && lower - upper <= 3;
  const above = boxed ? lines.slice(0, upper) : lines;
  for (let i = above.length - 1; i >= 0; i--) {
    const raw = above[i] ?? "";
    if (!raw.trim() || EMPTY_PROMPT.test(raw) || RULE.test(raw) || BANNER.test(raw)) continue;
    if (WORKING.test(raw) || STATUS.some((re) => re.test(raw))) continue;
    const l = clean(raw);
    if (l) return l;
  }
  return null;
}

function lastIndex<T>(list: readonly T[], pred: (v: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i] as T)) return i;
  return -1;
}

/** The token counter on claude's spinner line ("↓ 21 tokens"): it moves only while a response streams. */
const TOKENS = /[↓↑]\s*[\d.,]+k?\s*tokens/;

/**
 * The part of a screen whose change means the runner did something. Status lines animate by
 * themselves — claude's spinner changes glyph, word and elapsed time every second ("✽ Swirling…
 * (2s · ↓ 21 tokens)") even while its API call hangs — so of them only the token counter counts.
 * Without this, a real claude stuck on its API would never look quiet (the fake's spinner is still).
 */
export function activitySignature(lines: readonly string[]): string {
  return lines.map((l) => (STATUS.some((re) => re.test(l)) ? (TOKENS.exec(l)?.[0] ?? "") : l)).join("\n");
}
