import type { IncomingMessage, ServerResponse } from "node:http";
import nextAuthModule, { type AuthOptions } from "next-auth";
import { CLIENT_IP_HEADER } from "../auth/next-auth-options.ts";
import { clientIp } from "./client-ip.ts";

export const AUTH_PATH = "/api/auth";

// CommonJS `exports.default` seen through native ESM: unwrap it once.
type ApiHandler = (req: unknown, res: unknown, options: AuthOptions) => Promise<void>;
const NextAuth = ((nextAuthModule as unknown as { default?: unknown }).default ?? nextAuthModule) as ApiHandler;

async function readBody(req: IncomingMessage, limit = 64_000): Promise<Record<string, string> | undefined> {
  if (req.method !== "POST") return undefined;
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/json")) return JSON.parse(text || "{}") as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(text));
}

/**
 * next-auth v4's API-route handler, served by our own HTTP server instead of a Next route:
 * it keeps the database and argon2 out of the Next bundle (docs/adr/0001-one-port-server.md).
 */
export function createAuthHandler(options: AuthOptions, trustProxy: boolean) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const segments = url.pathname
      .slice(AUTH_PATH.length + 1)
      .split("/")
      .filter(Boolean);
    let body: Record<string, string> | undefined;
    try {
      body = await readBody(req);
    } catch {
      res.statusCode = 400;
      res.end("Bad request");
      return;
    }
    req.headers[CLIENT_IP_HEADER] = clientIp(req, trustProxy);
    const shim = Object.assign(req, {
      query: { ...Object.fromEntries(url.searchParams), nextauth: segments },
      body,
      cookies: parseCookieHeader(req.headers.cookie),
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
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}
