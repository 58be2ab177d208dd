import { Option, type Command } from "commander";
import { BUDGET_ACTIONS, type Budget } from "@stratavore/contracts";
import { limitOrNull, orNone, percentArg, tokensArg, usdArg, type NONE } from "../budget-options.ts";
import { BUDGET_ARG_HELP, resolveBudget } from "../budget-ref.ts";
import { budgetDetail } from "../budget-view.ts";
import { CliError, usageError } from "../cli-error.ts";
import { ask, print, printJson } from "../io.ts";
import type { CliContext } from "../options.ts";
import { connect } from "../session.ts";

interface EditOptions {
  tokens?: number | typeof NONE;
  usd?: number | typeof NONE;
  warn?: number;
  action?: (typeof BUDGET_ACTIONS)[number];
  name?: string;
  enable?: boolean;
  disable?: boolean;
  json?: boolean;
}

export function report(ctx: CliContext, json: boolean | undefined, verb: string, budget: Budget): void {
  if (json) return printJson(ctx.io, budget);
  print(ctx.io, `${verb} budget ${budget.name}\n${budgetDetail(budget)}`);
}

export function registerBudgetWrites(budgets: Command, ctx: CliContext): void {
  const { env, io } = ctx;
  budgets
    .command("edit")
    .description("change a budget's limits, warning level, action, name, or switch it on or off (admin)")
    .argument("<budget>", BUDGET_ARG_HELP)
    .option("--tokens <n>", "new token limit, or 'none' to drop it", orNone(tokensArg))
    .option("--usd <amount>", "new dollar limit, or 'none' to drop it", orNone(usdArg))
    .option("--warn <percent>", "warn at this share of the limit", percentArg)
    .addOption(new Option("--action <action>", "what happens at the limit").choices(BUDGET_ACTIONS))
    .option("--name <name>", "new display name")
    .addOption(new Option("--enable", "switch the budget on").conflicts("disable"))
    .option("--disable", "switch the budget off: it is still shown but never acts")
    .option("--json", "print the updated budget as JSON")
    .addHelpText("after", "\nChanging a limit re-arms the warning and the action for the current period.")
    .action(async (ref: string, opts: EditOptions) => {
      const changes = {
        limitTokens: limitOrNull(opts.tokens),
        limitUsd: limitOrNull(opts.usd),
        warnPercent: opts.warn,
        action: opts.action,
        name: opts.name,
        enabled: opts.enable ? true : opts.disable ? false : undefined,
      };
      if (Object.values(changes).every((v) => v === undefined))
        throw usageError("Nothing to change; pass at least one option (see --help).");
      const api = await connect(env);
      const { id } = await resolveBudget(api, ref);
      report(ctx, opts.json, "Updated", await api.budgets.update.mutate({ id, ...changes }));
    });

  budgets
    .command("delete")
    .alias("rm")
    .description("delete a budget (admin)")
    .argument("<budget>", BUDGET_ARG_HELP)
    .option("-y, --yes", "do not ask for confirmation (required when stdin is not a terminal)")
    .action(async (ref: string, opts: { yes?: boolean }) => {
      if (!opts.yes && !io.interactive)
        throw usageError(`Refusing to delete budget '${ref}' without --yes: stdin is not a terminal.`);
      const api = await connect(env);
      const budget = await resolveBudget(api, ref);
      if (!opts.yes) {
        const answer = await ask(io, `Delete budget '${budget.name}' (${budget.scopeLabel}, ${budget.period})? [y/N] `);
        if (!/^y(es)?$/i.test(answer)) throw new CliError("ABORTED", "Not confirmed; nothing was deleted.");
      }
      await api.budgets.delete.mutate({ id: budget.id });
      print(io, `Deleted budget ${budget.name}`);
    });
}
