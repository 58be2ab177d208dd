/** Everything the API needs from the environment, passed in by the app (env.ts). */
export interface ApiConfig {
  /** Signs session JWTs (next-auth) and, derived, the audit chain. */
  authSecret: string;
  auditKey: string;
  /** Encrypts notification channels' settings at rest (derived from the server secret). */
  channelKey: string;
  /** Where people open the dashboard; links in notifications point here. */
  publicUrl: string;
  sessionMaxAgeSeconds: number;
  version: string;
  /** Whether cookies get the Secure flag (true when the public URL is https). */
  secureCookies: boolean;
  /** Claude Code's projects folder on the server machine, for Settings → Import history. */
  claudeProjectsDir: string;
  /** Origins allowed to open a cookie-authenticated socket (the dashboard's own); unset = no check. */
  allowedOrigins?: string[];
}
