import type { AuthOptions } from "next-auth";
import credentialsModule from "next-auth/providers/credentials";
import { AppError } from "@stratavore/contracts";
import type { Db } from "@stratavore/db";
import type { ApiConfig } from "../config.ts";
import { verifyCredentials } from "./credentials.ts";
import type { LoginRateLimiter } from "./login-rate-limit.ts";

/** Set by the server from the socket address; a client-sent value is overwritten. */
export const CLIENT_IP_HEADER = "x-stratavore-client-ip";

// next-auth ships CommonJS with `exports.default`; under native ESM the default import is the whole module.
const CredentialsProvider =
  (credentialsModule as unknown as { default?: typeof credentialsModule }).default ?? credentialsModule;

export function buildAuthOptions(db: Db, limiter: LoginRateLimiter, config: ApiConfig): AuthOptions {
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
            return user ? { id: user.id, email: user.email, name: user.name } : null;
          } catch (err) {
            // next-auth passes the thrown message to the login page as `error`.
            if (err instanceof AppError) throw new Error(err.code);
            throw err;
          }
        },
      }),
    ],
    callbacks: {
      // The token carries only the user id; role and disabled state are read per request.
      jwt: ({ token, user }) => (user ? { ...token, sub: user.id } : token),
      session: ({ session, token }) => ({ ...session, userId: token.sub }),
    },
  };
}
