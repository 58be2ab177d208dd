import { InvalidArgumentError } from "commander";

/** YYYY-MM-DD or YYYYMMDD (ccusage's form): a calendar day in this machine's time zone. */
const DAY_RE = /^(\d{4})-?(\d{2})-?(\d{2})$/;
/** A full ISO timestamp, e.g. 2026-01-05T10:00:00Z or 2026-01-05T10:00+02:00. */
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export const DATE_HELP = "YYYY-MM-DD or an ISO timestamp";

function localDay(text: string): Date | null {
  const m = DAY_RE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  // new Date(2026, 1, 30) is March 2nd; a day that does not exist is a typo.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d)
    throw new InvalidArgumentError(`'${text}' is not a calendar date.`);
  return date;
}

function parse(text: string, endOfDay: boolean): Date {
  const value = text.trim();
  const day = localDay(value);
  if (day) {
    if (endOfDay) day.setDate(day.getDate() + 1);
    return day;
  }
  const at = ISO_RE.test(value) ? new Date(value) : null;
  if (!at || Number.isNaN(at.getTime())) throw new InvalidArgumentError(`Expected ${DATE_HELP}.`);
  return at;
}

/** `--since`: from the start of that day (or that instant). */
export const sinceArg = (text: string): Date => parse(text, false);

/** `--until`: a day counts whole (up to the next midnight, exclusive); a timestamp is exclusive. */
export const untilArg = (text: string): Date => parse(text, true);
