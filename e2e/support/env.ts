/**
 * The e2e suite's one place for the environment: the host's PATH for spawned processes, and the
 * stack's address and login, which the global setup hands to the specs (Playwright passes its
 * setup's environment to the workers).
 */
export const hostEnv = () => ({ ...process.env });
export const hostPath = () => process.env.PATH;

export interface StackInfo {
  url: string;
  adminEmail: string;
  adminPassword: string;
  databaseUrl: string;
  workdir: string;
  /** The server's Claude Code projects folder (Settings → Import history reads it). */
  claudeProjectsDir: string;
}

export function publishStack(s: StackInfo): void {
  Object.assign(process.env, {
    E2E_BASE_URL: s.url,
    E2E_ADMIN_EMAIL: s.adminEmail,
    E2E_ADMIN_PASSWORD: s.adminPassword,
    E2E_DATABASE_URL: s.databaseUrl,
    E2E_WORKDIR: s.workdir,
    E2E_CLAUDE_PROJECTS_DIR: s.claudeProjectsDir,
  });
}

export const stack = () => ({
  url: process.env.E2E_BASE_URL ?? "",
  databaseUrl: process.env.E2E_DATABASE_URL ?? "",
  adminEmail: process.env.E2E_ADMIN_EMAIL ?? "",
  adminPassword: process.env.E2E_ADMIN_PASSWORD ?? "",
  workdir: process.env.E2E_WORKDIR ?? "",
  claudeProjectsDir: process.env.E2E_CLAUDE_PROJECTS_DIR ?? "",
});
