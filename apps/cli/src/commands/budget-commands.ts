import { Option, type Command } from "commander";
import { BUDGET_ACTIONS, BUDGET_PERIODS } from "@stratavore/contracts";
import { percentArg, SCOPE_HELP, scopeArg, tokensArg, usdArg, type ScopeArg } from "../budget-options.ts";
import { BUDGET_ARG_HELP, resolveBudget } from "../budget-ref.ts";
import { budgetDetail, budgetTable } from "../budget-view.ts";
import { CliError } from "../cli-error.ts";
import { print, printJson } from "../io.ts";
import type { CliContext } from "../options.ts";
import { resolveRunnerId, shortId } from "../runner-ref.ts";
import { connect } from "../session.ts";
import { registerBudgetWrites, report } from "./budget-write.ts";

interface CreateOptions {
  scope: ScopeArg;
  period: (typeof BUDGET_PERIODS)[number];
  tokens?: number;
  usd?: number;
  warn: number;
  action: (typeof BUDGET_ACTIONS)[number];
  name?: string;
  json?: boolean;
}

/** `global daily`, `project web weekly`, `runner 1a2b3c4d hourly`. */
export const defaultBudgetName = (s: ScopeArg, period: string) =>
  [s.scope, s.scope === "runner" ? shortId(s.scopeRef ?? "") : s.scopeRef, period].filter(Boolean).join(" ");

/** `base`, or `base 2`, `base 3`… when that name is taken. */
export function freeName(base: string, taken: readonly string[]): string {
  const used = new Set(taken);
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base} ${n}`;
  return name;
}

export function registerBudgetCommands(program: Command, ctx: CliContext): void {
  const { env, io } = ctx;
  const budgets = program
    .command("budget")
    .alias("budgets")
    .description("token and dollar limits per period, and what happens when one is reached");

  budgets
    .command("create")
    .description("create a budget (admin)")
    .requiredOption("--scope <scope>", SCOPE_HELP, scopeArg)
    .addOption(
      new Option("--period <period>", "the window usage is counted over").choices(BUDGET_PERIODS).makeOptionMandatory(),
    )
    .option("--tokens <n>", "token limit per period (e.g. 500000 or 2.5M)", tokensArg)
    .option("--usd <amount>", "dollar limit per period", usdArg)
    .option("--warn <percent>", "warn at this share of the limit", percentArg, 80)
    .addOption(
      new Option("--action <action>", "what happens at the limit").choices(BUDGET_ACTIONS).makeOptionMandatory(),
    )
    .option("--name <name>", "display name (default: scope and period, e.g. 'project web daily')")
    .option("--json", "print the budget as JSON")
    .addHelpText(
      "after",
      "\nAt least one of --tokens and --usd is needed; with both, whichever is reached first counts.\n" +
        "Actions: notify (warn only), block_launch (refuse new runners, and restarts of failed ones), pause or terminate the runners in scope.\n" +
        "Periods roll over in the server's time zone: on the hour, at midnight, on Monday, on the 1st.\n" +
        "\nExample:\n  stratavore budget create --scope project:web --period daily --usd 25 --action block_launch",
    )
    .action(async (opts: CreateOptions) => {
      if (opts.tokens === undefined && opts.usd === undefined)
        throw new CliError("VALIDATION", "Set a limit: --tokens, --usd, or both.");
      const api = await connect(env);
      const scopeRef =
        opts.scope.scope === "runner" ? await resolveRunnerId(api, opts.scope.scopeRef ?? "") : opts.scope.scopeRef;
      // A second budget of the same scope and period gets "… 2": `budget edit <name>` must find one.
      const taken = opts.name ? [] : (await api.budgets.list.query()).map((b) => b.name);
      const budget = await api.budgets.create.mutate({
        name: opts.name ?? freeName(defaultBudgetName({ ...opts.scope, scopeRef }, opts.period), taken),
        scope: opts.scope.scope,
        scopeRef,
        period: opts.period,
        limitTokens: opts.tokens ?? null,
        limitUsd: opts.usd ?? null,
        warnPercent: opts.warn,
        action: opts.action,
      });
      report(ctx, opts.json, "Created", budget);
    });

  budgets
    .command("list", { isDefault: true })
    .alias("ls")
    .description("list budgets with their usage in the current period (the default for 'stratavore budget')")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const list = await (await connect(env)).budgets.list.query();
      if (opts.json) return printJson(io, list);
      print(
        io,
        list.length ? budgetTable(list) : "No budgets; 'stratavore budget create --help' shows how to add one.",
      );
    });

  budgets
    .command("show")
    .description("show one budget and its usage in the current period")
    .argument("<budget>", BUDGET_ARG_HELP)
    .option("--json", "print JSON")
    .action(async (ref: string, opts: { json?: boolean }) => {
      const budget = await resolveBudget(await connect(env), ref);
      if (opts.json) return printJson(io, budget);
      print(io, budgetDetail(budget));
    });

  registerBudgetWrites(budgets, ctx);
}
