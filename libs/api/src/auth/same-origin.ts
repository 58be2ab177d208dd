import type { IncomingHttpHeaders } from "node:http";

/**
 * Whether a cookie-authenticated request that changes something comes from our own pages.
 * A session cookie rides along with requests from other sites' pages (a form post needs no
 * preflight) and, with SameSite=Lax, from every page of the same *site* (another port, a
 * sibling subdomain). Browsers send `Origin` on every POST and WebSocket handshake, and
 * `Sec-Fetch-Site` on every request, so a foreign page is recognised by either; a request with
 * neither comes from no browser (curl, scripts) and is not a forgery.
 * Same-origin means: an origin listed in config, or one whose host is the request's own Host.
 */
export function isSameOrigin(headers: IncomingHttpHeaders, allowed: readonly string[] | undefined): boolean {
  const site = headers["sec-fetch-site"];
  if (typeof site === "string" && site !== "same-origin" && site !== "none") return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (allowed?.includes(origin)) return true;
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false; // "null" (sandboxed frames, file: pages) or garbage
  }
}

/** tRPC mutations arrive as JSON; anything else (form posts, text/plain) is refused unread. */
export function isJsonBody(headers: IncomingHttpHeaders): boolean {
  const type = headers["content-type"];
  return typeof type === "string" && /^application\/json\s*(;|$)/i.test(type.trim());
}
