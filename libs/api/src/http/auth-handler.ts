import type { IncomingMessage, ServerResponse } from "node:http";
import nextAuthModule, { type AuthOptions } from "next-auth";
import { CLIENT_IP_HEADER } from "../auth/next-auth-options.ts";
import { clientIp } from "./client-ip.ts";
import { replyError } from "./plain-reply.ts";
import { parseJsonObject, readBodyBytes } from "./read-body.ts";

export const AUTH_PATH = "/api/auth";

// CommonJS `exports.default` seen through native ESM: unwrap it once.
type ApiHandler = (req: unknown, res: unknown, options: AuthOptions) => Promise<void>;
const NextAuth = ((nextAuthModule as unknown as { default?: unknown }).default ?? nextAuthModule) as ApiHandler;

const BODY_LIMIT = 64_000;

/** A sign-in form's fields: strings only (next-auth calls string methods on them). */
async function readBody(req: IncomingMessage): Promise<Record<string, string> | undefined> {
  if (req.method !== "POST") return undefined;
  const text = (await readBodyBytes(req, BODY_LIMIT, `A sign-in request is at most ${BODY_LIMIT} bytes.`)).toString(
    "utf8",
  );
  const type = req.headers["content-type"] ?? "";
  if (!type.includes("application/json")) return onlyStrings(Object.fromEntries(new URLSearchParams(text)));
  return onlyStrings(parseJsonObject(text || "{}"));
}

/**
 * Fields next-auth reads as URLs: a value that is not one (`javascript:0`, a mailto: cookie, an
 * object) made it answer 500 ("a problem with the server configuration") before any check of
 * ours. Left out instead, so next-auth uses its default — the site's own pages.
 */
const CALLBACK_FIELDS = ["callbackUrl", "next-auth.callback-url", "__Secure-next-auth.callback-url"];

function onlyStrings(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (typeof v === "string" && k !== "__proto__") out[k] = v;
  for (const k of CALLBACK_FIELDS) if (k in out && !isHttpUrl(out[k] as string)) delete out[k];
  return out;
}

/** A path on this site or an http(s) URL: what next-auth accepts as a callback (it then keeps it on this site). */
function isHttpUrl(value: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(value, "http://localhost").protocol);
  } catch {
    return false;
  }
}

/**
 * next-auth v4's API-route handler, served by our own HTTP server instead of a Next route:
 * it keeps the database and argon2 out of the Next bundle (docs/adr/0001-one-port-server.md).
 */
export function createAuthHandler(
  options: AuthOptions,
  trustProxy: boolean,
  log: (msg: string, error: string) => void,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const segments = url.pathname
      .slice(AUTH_PATH.length + 1)
      .split("/")
      .filter(Boolean);
    let body: Record<string, string> | undefined;
    try {
      body = await readBody(req);
    } catch (err) {
      return replyError(res, err, log);
    }
    req.headers[CLIENT_IP_HEADER] = clientIp(req, trustProxy);
    const shim = Object.assign(req, {
      query: { ...onlyStrings(Object.fromEntries(url.searchParams)), nextauth: segments },
      body,
      cookies: onlyStrings(parseCookieHeader(req.headers.cookie)),
    });
    const out = Object.assign(res, {
      status(code: number) {
        res.statusCode = code;
        return out;
      },
      json(value: unknown) {
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify(value));
        return out;
      },
      send(value: unknown) {
        if (typeof value === "object" && value !== null && !Buffer.isBuffer(value)) return out.json(value);
        res.end(value as string | Buffer | undefined);
        return out;
      },
    });
    // next-auth's types want Next's request/response; the shim provides what it reads.
    await NextAuth(shim, out, options);
  };
}

function parseCookieHeader(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = decodeCookie(part.slice(i + 1).trim());
  }
  return out;
}

/** A cookie some other app set with a stray `%` is kept as written, not a 500 for every sign-in. */
function decodeCookie(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
