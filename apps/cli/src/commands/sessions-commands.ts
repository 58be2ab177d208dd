import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import type { ApiClient } from "@stratavore/api-client";
import { DATE_HELP, sinceArg, untilArg } from "../date-range.ts";
import { usageError } from "../cli-error.ts";
import { print, printJson, readAllStdin } from "../io.ts";
import { positiveInt, type CliContext } from "../options.ts";
import { page } from "../pager.ts";
import { shortId } from "../runner-ref.ts";
import { runnerSummary } from "../runner-view.ts";
import { resolveSessionId, resolveSessionOrRunner, SESSION_ARG_HELP } from "../session-ref.ts";
import {
  costCheckText,
  renderTranscript,
  sessionHeader,
  sessionTable,
  similarTable,
  type TranscriptLine,
} from "../session-view.ts";
import { connect } from "../session.ts";
import { isTtyOut } from "../terminal.ts";

const SORTS = ["recent", "oldest", "cost", "messages"] as const;
const EXPORT_FORMATS = ["jsonl", "md", "json"] as const;
/** The server's maximum page; a long transcript takes a few round trips. */
const ENTRIES_PAGE = 1000;

interface ListOptions {
  project?: string;
  node?: string;
  search?: string;
  since?: Date;
  until?: Date;
  sort: (typeof SORTS)[number];
  limit?: number;
  json?: boolean;
}

async function allEntries(api: ApiClient, id: string): Promise<TranscriptLine[]> {
  const entries: TranscriptLine[] = [];
  let afterId: string | undefined;
  do {
    const pageOf = await api.sessions.entries.query({ id, afterId, limit: ENTRIES_PAGE });
    entries.push(...pageOf.entries);
    afterId = pageOf.nextAfterId ?? undefined;
  } while (afterId);
  return entries;
}

export function registerSessionCommands(program: Command, ctx: CliContext): void {
  const { env, io } = ctx;
  const sessions = program
    .command("sessions")
    .alias("session")
    .description("browse and search archived Claude Code sessions; show, compare, resume and export them");

  sessions
    .command("list", { isDefault: true })
    .alias("ls")
    .description(
      "list sessions, most recent first, or search their transcripts (the default for 'stratavore sessions')",
    )
    .option("--project <project>", "only sessions of this project (name or id)")
    .option("--node <node>", "only sessions that ran on this node (name or id)")
    .option("--search <query>", 'full-text search of every archived line (words, "a phrase", -excluded, or)')
    .option("--since <date>", `last message at or after this (${DATE_HELP})`, sinceArg)
    .option("--until <date>", `last message before this (${DATE_HELP}; a day counts whole)`, untilArg)
    .addOption(
      new Option("--sort <order>", "order (a search is ordered by relevance)").choices(SORTS).default("recent"),
    )
    .option("--limit <n>", "at most this many (server maximum 200)", positiveInt)
    .option("--json", "print JSON ({sessions, hits}; a hit's snippet marks matches with <mark></mark>)")
    .action(async (opts: ListOptions) => {
      const api = await connect(env);
      const result = await api.sessions.list.query({
        project: opts.project,
        node: opts.node,
        search: opts.search,
        since: opts.since,
        until: opts.until,
        sort: opts.sort,
        limit: opts.limit,
      });
      if (opts.json) return printJson(io, result);
      if (!result.sessions.length)
        return print(io, opts.search ? `No session matches '${opts.search}'.` : "No sessions.");
      const snippets = new Map(result.hits.map((h) => [h.session.id, h.snippet]));
      print(io, sessionTable(result.sessions, snippets, { tty: isTtyOut(io.stdout) }));
    });

  sessions
    .command("show")
    .description("show a session's details and its whole transcript (through $PAGER on a terminal)")
    .argument("<session>", SESSION_ARG_HELP)
    .option("--no-pager", "print directly even on a terminal")
    .option("--json", "print JSON (the session with an `entries` array)")
    .action(async (ref: string, opts: { pager: boolean; json?: boolean }) => {
      const api = await connect(env);
      const session = await api.sessions.get.query({ id: await resolveSessionId(api, ref) });
      const [entries, costCheck] = await Promise.all([
        allEntries(api, session.id),
        api.sessions.costCheck.query({ id: session.id }),
      ]);
      if (opts.json) return printJson(io, { ...session, costCheck, entries });
      const tty = isTtyOut(io.stdout);
      await page(
        io,
        `${sessionHeader(session)}${costCheck ? `\n${costCheckText(costCheck)}` : ""}\n\n${renderTranscript(entries, { tty })}`,
        { pager: env.pager, enabled: opts.pager },
      );
    });

  sessions
    .command("similar")
    .description("sessions whose transcripts resemble this one's, best match first")
    .argument("<session>", SESSION_ARG_HELP)
    .option("--json", "print JSON ([{session, score}])")
    .action(async (ref: string, opts: { json?: boolean }) => {
      const api = await connect(env);
      const similar = await api.sessions.similar.query({ id: await resolveSessionId(api, ref) });
      if (opts.json) return printJson(io, similar);
      print(io, similar.length ? similarTable(similar) : "No similar sessions.");
    });

  program
    .command("resume")
    .description(
      "continue a session in a new runner (its original node first when it has room and the project's folder, unless --node); model and claude flags default to its last runner's",
    )
    .argument("<session>", SESSION_ARG_HELP)
    .argument("[claude-args...]", "claude flags instead of the last runner's, after --")
    .option("--node <node>", "run it on this node instead (name or id)")
    .option("--fork", "start a new session from this one's history instead of continuing it")
    .option("--prompt <text>", "the next message to send; '-' reads it from stdin")
    .option("--model <model>", "claude model instead of the last runner's")
    .option("--json", "print the new runner as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  stratavore resume 4f2a --fork --prompt 'Now try the other approach' -- --allowedTools Bash Edit",
    )
    .action(
      async (
        ref: string,
        claudeArgs: string[],
        opts: { node?: string; fork?: boolean; json?: boolean; prompt?: string; model?: string },
      ) => {
        const prompt = opts.prompt === "-" ? (await readAllStdin(io)).trim() : opts.prompt;
        if (prompt === "") throw usageError("The prompt is empty.");
        const api = await connect(env);
        const id = await resolveSessionId(api, ref);
        const runner = await api.sessions.resume.mutate({
          id,
          node: opts.node,
          fork: Boolean(opts.fork),
          prompt,
          model: opts.model,
          extraArgs: claudeArgs.length ? claudeArgs : undefined,
        });
        if (opts.json) return printJson(io, runner);
        print(
          io,
          `${opts.fork ? "Forked" : "Resumed"} session ${shortId(id)} in runner ${shortId(runner.id)} (${runner.status})\n${runnerSummary(runner)}`,
        );
      },
    );

  program
    .command("export")
    .description("export a session's transcript: the original JSONL, Markdown, or JSON")
    .argument("<session-or-runner>", `${SESSION_ARG_HELP}; or a runner id, for the session it runs`)
    .addOption(
      new Option(
        "--format <format>",
        "jsonl (the archived lines byte for byte, one per line: blank lines are not kept, a line over 48 MB is cut, a last line gets its newline), md (readable) or json",
      )
        .choices(EXPORT_FORMATS)
        .makeOptionMandatory(),
    )
    .option("-o, --output <file>", "write to this file (printing its path) instead of stdout")
    .action(async (ref: string, opts: { format: (typeof EXPORT_FORMATS)[number]; output?: string }) => {
      const api = await connect(env);
      const id = await resolveSessionOrRunner(api, ref);
      const { content, contentBase64 } = await api.sessions.export.query({ id, format: opts.format });
      // Lines that are not valid text come as bytes: a file or a pipe gets exactly those.
      const exact = contentBase64 === undefined ? content : Buffer.from(contentBase64, "base64");
      if (!opts.output) {
        // Exactly the content for a pipe; a terminal gets it made safe, and the prompt back on a line of its own.
        if (!isTtyOut(io.stdout)) io.stdout.write(exact);
        else if (content) print(io, content);
        return;
      }
      const path = resolve(opts.output);
      await writeFile(path, exact);
      print(io, path);
    });
}
