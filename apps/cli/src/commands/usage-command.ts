import { Option, type Command } from "commander";
import { cachePricesFrom, canonicalModel, usageGroupBy } from "@stratavore/contracts";
import { usageError } from "../cli-error.ts";
import { DATE_HELP, sinceArg, untilArg } from "../date-range.ts";
import { print, printJson } from "../io.ts";
import { positiveInt, pricePerMillion, type CliContext } from "../options.ts";
import { formatDate, table } from "../output.ts";
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

interface PriceOptions {
  input: number;
  output: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  cacheRead?: number;
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
    .command("prices")
    .description("the price table: $ per million tokens for each model id, and which rows an admin overrode")
    .option("--json", "print JSON: {version, prices}")
    .action(async (_opts: unknown, cmd: Command) => {
      // `usage` has a --json of its own, which takes the flag unless read with the parent's.
      const opts = cmd.optsWithGlobals<{ json?: boolean }>();
      const api = await connect(env);
      const book = await api.prices.list.query();
      if (opts.json) return printJson(io, book);
      const usd = (n: number) => String(Number(n.toFixed(4)));
      print(
        io,
        `Prices ${book.version}, $ per million tokens. A model missing here is estimated at its family's newest price (~$); one of no family is unpriced.\n` +
          table(
            ["MODEL", "INPUT", "OUTPUT", "CACHE 5M", "CACHE 1H", "CACHE READ", "SOURCE"],
            book.prices.map((p) => [
              p.modelPattern,
              usd(p.input),
              usd(p.output),
              usd(p.cacheWrite5m),
              usd(p.cacheWrite1h),
              usd(p.cacheRead),
              p.overridden ? "override" : "shipped",
            ]),
            [1, 2, 3, 4, 5],
          ),
      );
    });

  usage
    .command("set-price <model>")
    .description("set the price of a model id (admin): $ per million tokens; `usage reprice` applies it to past usage")
    .requiredOption("--input <usd>", "input tokens", pricePerMillion)
    .requiredOption("--output <usd>", "output tokens", pricePerMillion)
    .option("--cache-write-5m <usd>", "5-minute cache writes (default: 1.25 × input)", pricePerMillion)
    .option("--cache-write-1h <usd>", "1-hour cache writes (default: 2 × input)", pricePerMillion)
    .option("--cache-read <usd>", "cache reads (default: 0.1 × input)", pricePerMillion)
    .option("--json", "print JSON: {version, prices, notice}")
    .addHelpText(
      "after",
      "\nThe id is exact (its dated ids match it, no prefixes). A new id newer than its family's newest row\n" +
        "becomes the price every id of that family without a row of its own is estimated at; the answer says so.\n" +
        "\nExample:\n  stratavore usage set-price claude-opus-6 --input 5 --output 25",
    )
    .action(async (model: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<PriceOptions>();
      const api = await connect(env);
      // The cache prices default from the input price the way Anthropic sets them (as the dashboard's form).
      const defaults = cachePricesFrom(opts.input);
      const book = await api.prices.setOverride.mutate({
        modelPattern: model,
        input: opts.input,
        output: opts.output,
        cacheWrite5m: opts.cacheWrite5m ?? defaults.cacheWrite5m,
        cacheWrite1h: opts.cacheWrite1h ?? defaults.cacheWrite1h,
        cacheRead: opts.cacheRead ?? defaults.cacheRead,
      });
      if (opts.json) return printJson(io, book);
      print(
        io,
        `Set the price of ${canonicalModel(model)} (${book.version}). Run \`stratavore usage reprice\` to apply it to past usage.`,
      );
      if (book.notice) print(io, `Note: ${book.notice}`);
    });

  usage
    .command("unset-price <model>")
    .description("remove an admin's price for a model id (admin): the shipped price, an estimate or none applies again")
    .option("--json", "print JSON: {version, prices, notice}")
    .action(async (model: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ json?: boolean }>();
      const api = await connect(env);
      const book = await api.prices.removeOverride.mutate({ modelPattern: model });
      if (opts.json) return printJson(io, book);
      print(
        io,
        `Removed the price set for ${canonicalModel(model)}. Run \`stratavore usage reprice\` to apply it to past usage.`,
      );
      if (book.notice) print(io, `Note: ${book.notice}`);
    });

  usage
    .command("reprice")
    .description("recompute the cost of every ledger row with the current prices (after a price override; admin)")
    .option("--json", "print JSON: {records, changed, version}")
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ json?: boolean }>();
      const api = await connect(env);
      const res = await api.usage.reprice.mutate();
      if (opts.json) return printJson(io, res);
      print(io, `Repriced ${res.records} usage records with ${res.version}: ${res.changed} changed.`);
    });
}
