import type { Command, Option } from "commander";

/** A value the server knows by name: completed live from the API. */
export type LiveKind = "project" | "runner" | "session" | "node" | "budget";

export interface CompletionRequest {
  /** Candidates that need no server: subcommands, flags, an option's choices. */
  words: string[];
  /** Also offer live names of this kind, when the server answers. */
  live: LiveKind | null;
  /** The partial word being completed. */
  current: string;
}

/** `<project>` / `--node <node>` / `<session-or-runner>` → what to look up. */
function liveKindOf(placeholder: string | undefined): LiveKind | null {
  const name = placeholder?.replace(/[<>[\].]/g, "") ?? "";
  if (name === "project") return "project";
  if (name === "runner") return "runner";
  if (name === "node") return "node";
  if (name === "budget") return "budget";
  if (name.startsWith("session")) return "session";
  return null;
}

const visible = (cmds: readonly Command[]) => cmds.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
const namesOf = (c: Command) => [c.name(), ...c.aliases()];
const optionTakesValue = (o: Option) => o.required || o.optional;
const placeholderOf = (o: Option) => /<[^>]+>|\[[^\]]+\]/.exec(o.flags)?.[0];

function findOption(cmd: Command, flag: string): Option | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o) return o;
  }
  return undefined;
}

/**
 * What may follow `typed` (the words after `stratavore`, the last one being completed): walks
 * the program's own command tree, so completion can never drift from the commands.
 */
export function completeWords(program: Command, typed: string[]): CompletionRequest {
  const current = typed.at(-1) ?? "";
  const before = typed.slice(0, -1);
  let cmd = program;
  let positional = 0;
  let pendingOption: Option | undefined;
  for (const word of before) {
    if (pendingOption) {
      pendingOption = undefined;
      continue;
    }
    if (word.startsWith("-")) {
      const o = word.includes("=") ? undefined : findOption(cmd, word);
      if (o && optionTakesValue(o)) pendingOption = o;
      continue;
    }
    const sub = positional === 0 ? visible(cmd.commands).find((c) => namesOf(c).includes(word)) : undefined;
    if (sub) cmd = sub;
    else positional++;
  }
  if (pendingOption) {
    return { words: pendingOption.argChoices ?? [], live: liveKindOf(placeholderOf(pendingOption)), current };
  }
  if (current.startsWith("-")) {
    const flags = cmd.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short]);
    return { words: [...flags, "--help"].filter((f): f is string => !!f), live: null, current };
  }
  const subs = positional === 0 ? visible(cmd.commands).map((c) => c.name()) : [];
  const argument = cmd.registeredArguments[positional];
  return {
    words: [...subs, ...(argument?.argChoices ?? [])],
    live: argument ? liveKindOf(argument.name()) : null,
    current,
  };
}
