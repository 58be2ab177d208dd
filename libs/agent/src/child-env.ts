/**
 * claude's environment is built from an allow-list (DESIGN §2): a runner executes arbitrary
 * tool commands, so it must never see the agent's (or, for the local agent, the server's)
 * secrets — DATABASE_URL, STRATAVORE_SECRET, S3 or embeddings keys, cloud credentials.
 */
const NAMES = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TERM",
  "COLORTERM",
  "TZ",
  "TMPDIR",
  // Not SSH_AUTH_SOCK: it would lend every runner the operator's SSH keys (--pass-env adds it).
  "EDITOR",
  "VISUAL",
  "PAGER",
  "DISPLAY",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
]);
/** The user's Claude and Anthropic settings (API key, base URL, CLAUDE_CONFIG_DIR, CLAUDE_CODE_*), locale, XDG dirs, claude's DISABLE_* switches. */
const PREFIXES = ["ANTHROPIC_", "CLAUDE_", "LC_", "XDG_", "DISABLE_"];
/** Never passed, whatever an allow-list entry or --pass-env says. */
const DENIED = [/^STRATAVORE_/, /^DATABASE_URL$/];

export function buildChildEnv(
  env: Record<string, string | undefined>,
  extra: readonly string[] = [],
): Record<string, string> {
  const extraNames = new Set(extra);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || DENIED.some((re) => re.test(name))) continue;
    if (NAMES.has(name) || extraNames.has(name) || PREFIXES.some((p) => name.startsWith(p))) out[name] = value;
  }
  return out;
}
