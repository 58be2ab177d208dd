import type { AuthOptions } from "next-auth";
import credentialsModule from "next-auth/providers/credentials";
import { AppError } from "@stratavore/contracts";
import { endLoginSession, insertLoginSession, isUuid, type Db } from "@stratavore/db";
import type { AccessWatch } from "./access-watch.ts";
import type { ApiConfig } from "../config.ts";
import { verifyCredentials } from "./credentials.ts";
import type { LoginRateLimiter } from "./login-rate-limit.ts";

/** Set by the server from the socket address; a client-sent value is overwritten. */
export const CLIENT_IP_HEADER = "x-stratavore-client-ip";

// next-auth ships CommonJS with `exports.default`; under native ESM the default import is the whole module.
const CredentialsProvider =
  (credentialsModule as unknown as { default?: typeof credentialsModule }).default ?? credentialsModule;

export function buildAuthOptions(
  db: Db,
  limiter: LoginRateLimiter,
  config: ApiConfig,
  access: AccessWatch,
): AuthOptions {
  return {
    secret: config.authSecret,
    session: { strategy: "jwt", maxAge: config.sessionMaxAgeSeconds },
    jwt: { maxAge: config.sessionMaxAgeSeconds },
    useSecureCookies: config.secureCookies,
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const ip = String(req?.headers?.[CLIENT_IP_HEADER] ?? "unknown");
          try {
            const user = await verifyCredentials(db, limiter, {
              email: credentials?.email,
              password: credentials?.password,
              ip,
            });
            if (!user) return null;
            // Each sign-in is a row; the cookie carries its id and works only while it is open.
            const sid = await insertLoginSession(db, {
              userId: user.id,
              expiresAt: new Date(Date.now() + config.sessionMaxAgeSeconds * 1000),
              userAgent: typeof req?.headers?.["user-agent"] === "string" ? req.headers["user-agent"] : null,
              ip,
            });
            return { id: user.id, email: user.email, name: user.name, sid };
          } catch (err) {
            // next-auth passes the thrown message to the login page as `error`.
            if (err instanceof AppError) throw new Error(err.code);
            throw err;
          }
        },
      }),
    ],
    callbacks: {
      // The token carries the user id and the sign-in's id; role, disabled state and whether
      // the sign-in is still open are read per request.
      jwt: ({ token, user }) => (user ? { ...token, sub: user.id, sid: (user as { sid?: string }).sid } : token),
      session: ({ session, token }) => ({ ...session, userId: token.sub }),
    },
    events: {
      // Sign-out ends the sign-in server-side: a copied cookie stops working with it.
      async signOut({ token }) {
        const sid = typeof token?.sid === "string" ? token.sid : null;
        if (sid && isUuid(sid)) await endLoginSession(db, sid, "signed_out");
        if (token?.sub) access.changed(token.sub);
      },
    },
  };
}
