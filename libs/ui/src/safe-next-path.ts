/**
 * Where to go after signing in: `next` when it is a page of this origin, else the dashboard.
 * Decided by the URL parser, not by the string's start: "/\evil.example" and "/<tab>/evil.example"
 * begin with one slash, yet browsers read both as another site.
 */
export function safeNextPath(next: string | null, origin: string): string {
  if (!next?.startsWith("/")) return "/";
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return "/";
  }
  // "/.//evil.example" parses as this origin with the path "//evil.example", which the router
  // then reads as another site (protocol-relative): a path must not start with two slashes.
  if (url.origin !== new URL(origin).origin || url.pathname.startsWith("//")) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
