import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { ParsePool } from "@stratavore/runner";
import { CliError } from "../cli-error.ts";
import { importHistory, type ImportSummary } from "../import-history.ts";
import { openImportState } from "../import-state.ts";
import { print, printJson } from "../io.ts";
import type { CliContext } from "../options.ts";
import { formatCount } from "../output.ts";
import { progressLine } from "../progress.ts";
import { clientFor, resolveConnection } from "../session.ts";
import { uploadTranscript } from "../transcript-upload.ts";

/** Parser threads: the machine's cores, the calling thread mostly waits on the server; at most 4. */
const PARSE_THREADS = Math.min(4, Math.max(1, availableParallelism()));

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** `--dir=~/x` reaches us unexpanded (the shell expands only a word that starts with ~). */
const expandHome = (dir: string) => resolve(dir === "~" || dir.startsWith("~/") ? join(homedir(), dir.slice(1)) : dir);

/** Never silent: files the import did not read hold spend it did not count. */
function describeSkipped(s: ImportSummary): string {
  if (!s.skippedFiles) return "";
  const more =
    s.skippedFiles > s.skippedExamples.length
      ? `\n  …and ${formatCount(s.skippedFiles - s.skippedExamples.length)} more`
      : "";
  return (
    `\nNot read: ${plural(s.skippedFiles, ".jsonl file")} not Claude Code transcripts by name (<session id>.jsonl in a project folder, or a sub-agent file) or by content (not JSON lines); their usage is not counted:` +
    s.skippedExamples.map((p) => `\n  ${p}`).join("") +
    more
  );
}

export function describeImport(s: ImportSummary): string {
  return describeCounts(s) + describeSkipped(s);
}

function describeCounts(s: ImportSummary): string {
  const malformed = `${plural(s.malformedLines, "malformed line")} skipped`;
  if (s.dryRun) {
    const counts = s.byCwd.map((c) => plural(c.sessions, "session"));
    const width = Math.max(0, ...counts.map((c) => c.length));
    const where = s.byCwd.map(
      (c, i) => `\n  ${counts[i]?.padEnd(width)}  ${c.cwd ?? "(no directory recorded: no project)"}`,
    );
    return (
      `Dry run: ${plural(s.sessions, "session")} with ${plural(s.records, "usage record")} in ${s.dir}, ${malformed}; nothing was sent.` +
      (where.length
        ? `\nBy working directory (a new session joins the project at that path, or one is registered there; one already imported stays where it is):${where.join("")}`
        : "")
    );
  }
  const created = s.projectsCreated.length ? ` (${s.projectsCreated.join(", ")})` : "";
  const unchanged = s.sessionsUnchanged
    ? ` (${formatCount(s.sessionsUnchanged)} unchanged since the last import, not read again)`
    : "";
  return `Imported ${plural(s.sessions, "session")}${unchanged}: ${plural(s.recordsChanged, "usage record")} changed, ${plural(s.projectsCreated.length, "project")} created${created}, ${plural(s.transcriptsArchived, "transcript file")} archived, ${malformed}.`;
}

export function registerImportCommand(program: Command, { env, io }: CliContext): void {
  program
    .command("import")
    .description(
      "import existing Claude Code sessions on this machine: their token usage and their transcripts (safe to repeat)",
    )
    .option("--dir <dir>", "Claude Code's projects folder", env.claudeProjectsDir)
    .option("--dry-run", "read and count, but send nothing (needs no login)")
    .option("--from-start", "read every file from its start, not from where the last import of it stopped")
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      "\nEach session is filed under the project whose path is the session's working directory; a project is\n" +
        "created (tagged 'imported') when none has that path. Records are keyed by API response, so running\n" +
        "import again, or importing sessions an agent already reported, changes nothing. Each transcript is\n" +
        "archived too, so the sessions can be searched, exported and resumed from any node. Each file is read\n" +
        "from where the last import to the same server stopped (recorded in import-state.json in the config\n" +
        "folder), so importing again sends only what was written since.\n" +
        "The default folder is $CLAUDE_CONFIG_DIR/projects, or ~/.claude/projects.",
    )
    .action(async (opts: { dir: string; dryRun?: boolean; fromStart?: boolean; json?: boolean }) => {
      const dir = expandHome(opts.dir);
      const isDir = await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!isDir)
        throw new CliError("NOT_FOUND", `No directory ${dir}; pass Claude Code's projects folder with --dir.`);
      const conn = opts.dryRun ? null : await resolveConnection(env);
      const api = conn ? clientFor(conn) : null;
      const state = conn
        ? await openImportState(env.configDir, conn.server, { fromStart: !!opts.fromStart })
        : undefined;
      const bar = progressLine(io.stderr);
      // The CLI's own file runs the parsers (main.ts answers as a parse worker there).
      const pool = new ParsePool(process.argv[1] ?? "", PARSE_THREADS);
      let summary: ImportSummary;
      try {
        summary = await importHistory({
          dir,
          send: api ? (sessions) => api.usage.import.mutate({ sessions }) : undefined,
          upload: conn
            ? (sessionId, file, path, from) => uploadTranscript(conn, sessionId, file, path, from)
            : undefined,
          onProgress: (p) => bar.update(p.sessionsDone, p.sessionsTotal, `sessions, ${plural(p.records, "record")}`),
          state,
          parse: (files, sessionId, from) => pool.parse(files, sessionId, from),
          parallel: pool.size + 1,
          known: api
            ? async (sessionIds) => (await api.usage.importedSessions.query({ sessionIds })).sessionIds
            : undefined,
        });
      } catch (err) {
        // What was imported before the failure stays recorded (the next run carries on from
        // there); the import's own error is the one reported, even if that write fails too.
        await state?.save().catch(() => undefined);
        throw err;
      } finally {
        await pool.close();
        bar.clear();
      }
      await state?.save();
      if (api && summary.sessions)
        await api.usage.importFinished.mutate({
          sessions: summary.sessions,
          recordsChanged: summary.recordsChanged,
          failed: 0,
        });
      if (opts.json) return printJson(io, summary);
      print(io, summary.sessions ? describeImport(summary) : `No Claude Code sessions in ${dir}.`);
    });
}
