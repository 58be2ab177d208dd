/** Everything the API needs from the environment, passed in by the app (env.ts). */
export interface ApiConfig {
  /** Signs session JWTs (next-auth) and, derived, the audit chain. */
  authSecret: string;
  auditKey: string;
  sessionMaxAgeSeconds: number;
  version: string;
  /** Whether cookies get the Secure flag (true when the public URL is https). */
  secureCookies: boolean;
  /** Claude Code's projects folder on the server machine, for Settings → Import history. */
  claudeProjectsDir: string;
  /** Origins allowed to open a cookie-authenticated socket (the dashboard's own); unset = no check. */
  allowedOrigins?: string[];
}
