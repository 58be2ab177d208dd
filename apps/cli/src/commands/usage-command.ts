import { Option, type Command } from "commander";
import { usageGroupBy } from "@stratavore/contracts";
import { usageError } from "../cli-error.ts";
import { DATE_HELP, sinceArg, untilArg } from "../date-range.ts";
import { print, printJson } from "../io.ts";
import { positiveInt, type CliContext } from "../options.ts";
import { formatDate } from "../output.ts";
import { connect } from "../session.ts";
import { usageTable, type UsageGroupBy } from "../usage-view.ts";

interface UsageOptions {
  project?: string;
  since?: Date;
  until?: Date;
  by: UsageGroupBy;
  limit?: number;
  json?: boolean;
}

export function registerUsageCommand(program: Command, { env, io }: CliContext): void {
  const usage = program
    .command("usage")
    .description("token usage and cost from the ledger, per day, week, month, model, project, session or runner")
    .option("--project <project>", "only this project (name or id)")
    .option("--since <date>", `from this day on: ${DATE_HELP}`, sinceArg)
    .option("--until <date>", `up to and including this day: ${DATE_HELP} (a timestamp is exclusive)`, untilArg)
    .addOption(new Option("--by <group>", "one row per").choices(usageGroupBy.options).default("day"))
    .option("--limit <n>", "at most this many rows (server default 100, maximum 1000)", positiveInt)
    .option("--json", "print JSON: {rows, totals}")
    .addHelpText(
      "after",
      "\nDays, weeks and months are cut in the server's time zone; weeks start on Monday. Cost is in USD for\n" +
        "models with a known price; tokens of other models are shown as 'unpriced', never counted as $0.\n" +
        "\nExamples:\n  stratavore usage --since 2026-01-01 --by week\n  stratavore usage --project web-app --by session --json",
    )
    .action(async (opts: UsageOptions) => {
      if (opts.since && opts.until && opts.since >= opts.until) {
        throw usageError(`--since (${formatDate(opts.since)}) must be before --until (${formatDate(opts.until)}).`);
      }
      if (opts.limit !== undefined && opts.limit > 1000) throw usageError("--limit is at most 1000.");
      const api = await connect(env);
      const report = await api.usage.query.query({
        project: opts.project,
        since: opts.since,
        until: opts.until,
        by: opts.by,
        limit: opts.limit,
      });
      if (opts.json) return printJson(io, report);
      print(
        io,
        report.rows.length ? usageTable(opts.by, report.rows, report.totals) : "No usage recorded in this range.",
      );
    });
  usage
    .command("reprice")
    .description("recompute the cost of every ledger row with the current prices (after a price override; admin)")
    .option("--json", "print JSON: {records, changed, version}")
    .action(async (opts: { json?: boolean }) => {
      const api = await connect(env);
      const res = await api.usage.reprice.mutate();
      if (opts.json) return printJson(io, res);
      print(io, `Repriced ${res.records} usage records with ${res.version}: ${res.changed} changed.`);
    });
}
