import { parse as parseCookies } from "cookie";
import { decode } from "next-auth/jwt";
import type { TokenScope } from "@stratavore/contracts";
import {
  findUsableApiToken,
  findUserById,
  findOpenLoginSession,
  isUuid,
  touchApiToken,
  touchLoginSession,
  type Db,
} from "@stratavore/db";
import { hashApiToken, looksLikeApiToken } from "./api-token-secret.ts";
import { SESSION_SCOPES, type Principal } from "./principal.ts";

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export interface Credentials {
  cookieHeader?: string;
  bearer?: string;
}

/** Turns a request's cookie or bearer token into a principal, or null for anonymous. */
export async function resolvePrincipal(db: Db, secret: string, creds: Credentials): Promise<Principal | null> {
  if (creds.bearer) return resolveApiToken(db, creds.bearer);
  if (creds.cookieHeader) return resolveSessionCookie(db, secret, creds.cookieHeader);
  return null;
}

async function resolveApiToken(db: Db, secret: string): Promise<Principal | null> {
  if (!looksLikeApiToken(secret)) return null;
  const token = await findUsableApiToken(db, hashApiToken(secret));
  if (!token) return null;
  const user = await findUserById(db, token.userId);
  if (!user || user.disabled) return null;
  await touchApiToken(db, token.id, token.lastUsedAt);
  return {
    user,
    via: "token",
    scopes: token.scopes as TokenScope[],
    tokenId: token.id,
    tokenExpiresAt: token.expiresAt,
  };
}

async function resolveSessionCookie(db: Db, secret: string, cookieHeader: string): Promise<Principal | null> {
  const cookies = parseCookies(cookieHeader);
  const raw = SESSION_COOKIES.map((n) => cookies[n]).find(Boolean);
  if (!raw) return null;
  // decode() verifies the signature and the expiry; it throws on tampering.
  const payload = await decode({ token: raw, secret }).catch(() => null);
  // A cookie is honoured only while its sign-in is open: sign-out and password changes end it.
  const sid = typeof payload?.sid === "string" ? payload.sid : null;
  if (!payload?.sub || !sid || !isUuid(sid)) return null;
  const signIn = await findOpenLoginSession(db, sid, payload.sub);
  if (!signIn) return null;
  const user = await findUserById(db, payload.sub);
  if (!user || user.disabled) return null;
  await touchLoginSession(db, sid, signIn.lastSeenAt);
  return { user, via: "session", scopes: SESSION_SCOPES, sessionId: sid };
}

export function bearerFrom(authorization: string | undefined): string | undefined {
  const m = authorization?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1];
}
