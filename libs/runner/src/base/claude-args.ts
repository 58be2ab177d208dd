import { ClaudeArgsError } from "./errors.ts";

/**
 * What the agent asks claude to do. The server resolves "continue" to the project's latest
 * session before it gets here, so every launch names its session up front (DESIGN §2): no
 * file watching guesses which transcript belongs to which runner.
 */
export interface ClaudeLaunchSpec {
  mode: "new" | "resume";
  /** new: the id to create; resume: the session to resume (the parent when forking). */
  sessionId: string;
  /** resume only: branch into a new session with this id (`--fork-session --session-id`). */
  forkSessionId?: string;
  model?: string;
  prompt?: string;
  extraArgs?: string[];
}

const SESSION_FLAGS = new Set(["-c", "--continue", "-r", "--resume", "--session-id", "--fork-session"]);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A model starting with '-' would be parsed by claude as the next flag.
const MODEL_RE = /^[a-zA-Z0-9._:[\]][a-zA-Z0-9._:[\]-]{0,99}$/;

export function isSessionId(value: string): boolean {
  return UUID_RE.test(value);
}

function requireId(value: string | undefined, what: string): string {
  if (!value) throw new ClaudeArgsError(`${what} is required`);
  if (!isSessionId(value)) throw new ClaudeArgsError(`${what} "${value}" is not a uuid`);
  return value;
}

function modeArgs(spec: ClaudeLaunchSpec): string[] {
  switch (spec.mode) {
    case "new":
      if (spec.forkSessionId) throw new ClaudeArgsError('a fork needs mode "resume"');
      return ["--session-id", requireId(spec.sessionId, "sessionId")];
    case "resume": {
      const args = ["--resume", requireId(spec.sessionId, "sessionId")];
      if (spec.forkSessionId === undefined) return args;
      const fork = requireId(spec.forkSessionId, "forkSessionId");
      if (fork === spec.sessionId) throw new ClaudeArgsError("a fork needs a session id of its own");
      return [...args, "--fork-session", "--session-id", fork];
    }
    default:
      throw new ClaudeArgsError(`unknown mode "${String((spec as { mode: unknown }).mode)}"`);
  }
}

/** The session the runner writes to: its fork's id, else the one it creates or resumes. */
export function ownSessionId(spec: ClaudeLaunchSpec): string {
  return spec.forkSessionId ?? spec.sessionId;
}

/**
 * The argv for `claude` (without the binary): mode flags, model, passthrough flags, then
 * `--` and the prompt. The `--` is always there: `--allowedTools Bash "hi"` makes claude read
 * the prompt as a second tool name and never call the API (seen with 2.1.328, stack.md).
 */
export function buildClaudeArgs(spec: ClaudeLaunchSpec): string[] {
  const args = modeArgs(spec);
  if (spec.model !== undefined) {
    if (!MODEL_RE.test(spec.model)) throw new ClaudeArgsError(`"${spec.model}" is not a model name`);
    args.push("--model", spec.model);
  }
  for (const arg of spec.extraArgs ?? []) {
    if (arg.includes("\0")) throw new ClaudeArgsError("extra arguments cannot contain NUL bytes");
    // Ours is the only `--`: a second one would turn the flags after it into prompt words.
    if (arg === "--") throw new ClaudeArgsError("extra arguments cannot contain '--'; the prompt is passed separately");
    // The session is fixed before spawn; a flag choosing another would make the runner's session a guess again.
    if (SESSION_FLAGS.has(arg.split("=")[0] ?? arg))
      throw new ClaudeArgsError(`extra arguments cannot choose the session (${arg}); the launch mode does`);
    args.push(arg);
  }
  if (spec.prompt !== undefined && spec.prompt !== "") {
    if (spec.prompt.includes("\0")) throw new ClaudeArgsError("the prompt cannot contain NUL bytes");
    args.push("--", spec.prompt);
  }
  return args;
}
