/**
 * Passwords long enough but guessed first (NIST SP 800-63B §5.1.1.2: refuse commonly used,
 * repetitive or sequential ones): the attacker review found any 10 characters accepted.
 * Deliberately small — the guesses a sign-in limiter's few attempts would try first — not a
 * breach corpus.
 */

/** Words such passwords are made of, before the digits and signs people add to reach a length. */
const COMMON_WORDS = new Set([
  "password",
  "passw0rd",
  "p@ssword",
  "p@ssw0rd",
  "welcome",
  "letmein",
  "qwerty",
  "qwertyuiop",
  "asdfghjkl",
  "zxcvbnm",
  "admin",
  "administrator",
  "iloveyou",
  "changeme",
  "stratavore",
  "claude",
  "football",
  "baseball",
  "monkey",
  "dragon",
  "sunshine",
  "princess",
  "superman",
  "master",
  "login",
  "secret",
  "trustno1",
  "1q2w3e4r",
  "1qaz2wsx",
  "q1w2e3r4",
]);

/** Why it is too easy to guess, or null. */
export function guessablePassword(password: string): string | null {
  const lower = password.toLowerCase();
  if (new Set(lower).size < 5) return "It repeats too few characters.";
  if (isRun(lower)) return "It is a straight run of characters (like 0123456789).";
  // "Password2024!", "qwerty123456", "1234567890": a common word (or none) padded with digits and signs.
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, "");
  if (core === "" || COMMON_WORDS.has(core)) return "It is a common password with digits or signs added.";
  return null;
}

/** Each character one step from the one before, the same way (abcdefghij, 9876543210). */
function isRun(s: string): boolean {
  const step = s.charCodeAt(1) - s.charCodeAt(0);
  if (Math.abs(step) !== 1) return false;
  for (let i = 2; i < s.length; i++) if (s.charCodeAt(i) - s.charCodeAt(i - 1) !== step) return false;
  return true;
}
