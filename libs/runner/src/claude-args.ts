import { ClaudeArgsError } from "./errors.ts";

export type ConversationMode = "new" | "continue" | "resume";

export interface ClaudeLaunchSpec {
  mode: ConversationMode;
  /** new: the id to create; resume: the session to resume (the parent when forking). */
  sessionId?: string;
  fork?: boolean;
  model?: string;
  prompt?: string;
  extraArgs?: string[];
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A model starting with '-' would be parsed by claude as the next flag.
const MODEL_RE = /^[a-zA-Z0-9._:[\]][a-zA-Z0-9._:[\]-]{0,99}$/;

export function isSessionId(value: string): boolean {
  return UUID_RE.test(value);
}

function requireSessionId(spec: ClaudeLaunchSpec): string {
  if (!spec.sessionId) throw new ClaudeArgsError(`mode "${spec.mode}" needs a sessionId`);
  if (!isSessionId(spec.sessionId)) throw new ClaudeArgsError(`sessionId "${spec.sessionId}" is not a uuid`);
  return spec.sessionId;
}

function modeArgs(spec: ClaudeLaunchSpec): string[] {
  switch (spec.mode) {
    case "new":
      return ["--session-id", requireSessionId(spec)];
    case "resume":
      return ["--resume", requireSessionId(spec), ...(spec.fork ? ["--fork-session"] : [])];
    case "continue":
      // `--continue` picks the newest session itself; an id here would be silently ignored.
      if (spec.sessionId) throw new ClaudeArgsError('mode "continue" takes no sessionId; use "resume"');
      return ["--continue"];
    default:
      throw new ClaudeArgsError(`unknown mode "${String((spec as { mode: unknown }).mode)}"`);
  }
}

/**
 * The argv for `claude` (without the binary). Flags first, passthrough flags next, the
 * prompt last as the positional argument.
 */
export function buildClaudeArgs(spec: ClaudeLaunchSpec): string[] {
  if (spec.fork && spec.mode !== "resume") throw new ClaudeArgsError("fork only applies to resume");
  const args = modeArgs(spec);
  if (spec.model !== undefined) {
    if (!MODEL_RE.test(spec.model)) throw new ClaudeArgsError(`"${spec.model}" is not a model name`);
    args.push("--model", spec.model);
  }
  for (const arg of spec.extraArgs ?? []) {
    if (arg.includes("\0")) throw new ClaudeArgsError("extra arguments cannot contain NUL bytes");
    args.push(arg);
  }
  if (spec.prompt !== undefined && spec.prompt !== "") {
    if (spec.prompt.includes("\0")) throw new ClaudeArgsError("the prompt cannot contain NUL bytes");
    // "- fix the bug" is a fine prompt but would otherwise be parsed as a flag.
    if (spec.prompt.startsWith("-")) args.push("--");
    args.push(spec.prompt);
  }
  return args;
}
