import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { withSecretFiles } from "@stratavore/contracts";
import { join, resolve } from "node:path";

/** The only file of the CLI that reads process.env (DESIGN.md §9 rule 5). */
export interface CliEnv {
  /** Where config.json (server + token) lives. */
  configDir: string;
  /** STRATAVORE_SERVER / STRATAVORE_TOKEN win over the stored login, for CI and scripts. */
  server?: string;
  token?: string;
  /** What `stratavore agent` passes on (HOME, PATH, CLAUDE_CONFIG_DIR, and the whole env for claude). */
  agent: {
    home?: string;
    path?: string;
    claudeConfigDir?: string;
    /** STRATAVORE_JOIN_TOKEN: the join token kept out of argv (and so out of `ps`). */
    joinToken?: string;
    all: Record<string, string | undefined>;
  };
  /** Claude Code's transcripts, what `stratavore import` reads: $CLAUDE_CONFIG_DIR/projects or ~/.claude/projects. */
  claudeProjectsDir: string;
  /** $PAGER, for `session show` on a terminal; unset means `less -FRX`. */
  pager?: string;
}

// An empty variable (`FOO= cmd`) means "unset", as most shells users expect.
const nonEmpty = (v: string | undefined) => (v && v.trim() !== "" ? v.trim() : undefined);

export function readCliEnv(given: Record<string, string | undefined> = process.env, home: string = homedir()): CliEnv {
  const env = withSecretFiles(given, (path) => readFileSync(path, "utf8"));
  const explicit = nonEmpty(env.STRATAVORE_CONFIG_DIR);
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  const configDir = explicit ? resolve(explicit) : join(xdg ? resolve(xdg) : join(home, ".config"), "stratavore");
  const claudeConfigDir = nonEmpty(env.CLAUDE_CONFIG_DIR);
  return {
    configDir,
    server: nonEmpty(env.STRATAVORE_SERVER),
    token: nonEmpty(env.STRATAVORE_TOKEN),
    agent: {
      home: env.HOME,
      path: env.PATH,
      claudeConfigDir,
      joinToken: nonEmpty(env.STRATAVORE_JOIN_TOKEN),
      all: { ...env },
    },
    claudeProjectsDir: join(claudeConfigDir ? resolve(claudeConfigDir) : join(home, ".claude"), "projects"),
    pager: nonEmpty(env.PAGER),
  };
}
