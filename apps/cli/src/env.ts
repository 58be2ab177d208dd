import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The only file of the CLI that reads process.env (DESIGN.md §9 rule 5). */
export interface CliEnv {
  /** Where config.json (server + token) lives. */
  configDir: string;
  /** STRATAVORE_SERVER / STRATAVORE_TOKEN win over the stored login, for CI and scripts. */
  server?: string;
  token?: string;
}

// An empty variable (`FOO= cmd`) means "unset", as most shells users expect.
const nonEmpty = (v: string | undefined) => (v && v.trim() !== "" ? v.trim() : undefined);

export function readCliEnv(env: Record<string, string | undefined> = process.env, home: string = homedir()): CliEnv {
  const explicit = nonEmpty(env.STRATAVORE_CONFIG_DIR);
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  const configDir = explicit ? resolve(explicit) : join(xdg ? resolve(xdg) : join(home, ".config"), "stratavore");
  return { configDir, server: nonEmpty(env.STRATAVORE_SERVER), token: nonEmpty(env.STRATAVORE_TOKEN) };
}
