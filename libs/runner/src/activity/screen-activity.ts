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
/**
 * Interactive claude runs its sub-agents in the background: the turn ends at once and prints
 * "✻ Waiting for 1 background agent to finish", the footer's "esc to interrupt" gone; when the
 * agent reports, "● Agent … finished" and the next answer print below it (the line stays in the
 * scrollback). So the runner works while that line is the last one above the input box (the
 * real-claude review saw such a runner shown idle for its whole run). Status lines (the effort
 * dial) may sit between it and the box, and the running agents are listed under the box.
 */
const BACKGROUND = /\bWaiting for \d+ background (?:agent|task)s? to finish\b/i;
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
 * shows "esc to interrupt" in its footer, a background sub-agent at work "Waiting for N
 * background agents"; a dialog waiting on the user ends in "Esc to cancel"
 * or asks "Do you want to …?"; anything else is idle at the prompt. Fixtures recorded from
 * the real binary are in ./fixtures.
 */
export function readScreen(lines: readonly string[]): ScreenReading {
  if (lines.some((l) => WORKING.test(l))) return { state: "working", line: latestOutput(lines) };
  if (lines.some((l) => WAITING.some((re) => re.test(l)))) return { state: "waiting", line: question(lines) };
  const last = aboveInputBox(lines).findLast(
    (l) => l.trim() !== "" && (BACKGROUND.test(l) || !STATUS.some((re) => re.test(l))),
  );
  if (last !== undefined && BACKGROUND.test(last)) return { state: "working", line: latestOutput(lines) };
  return { state: "idle", line: latestOutput(lines) };
}

/** The screen above claude's input box (two rules around the prompt at the bottom), or all of it. */
function aboveInputBox(lines: readonly string[]): readonly string[] {
  const lower = lastIndex(lines, (l) => RULE.test(l));
  const upper = lower > 0 ? lastIndex(lines.slice(0, lower), (l) => RULE.test(l)) : -1;
  return upper >= 0 && lower - upper <= 3 ? lines.slice(0, upper) : lines;
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
  const above = aboveInputBox(lines);
  for (let i = above.length - 1; i >= 0; i--) {
    const raw = above[i] ?? "";
    if (!raw.trim() || EMPTY_PROMPT.test(raw) || RULE.test(raw) || BANNER.test(raw)) continue;
    if (WORKING.test(raw) || BACKGROUND.test(raw) || STATUS.some((re) => re.test(raw))) continue;
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
