import { Option, type Command } from "commander";
import { PLAN_NAMES, type SubscriptionWindow } from "@stratavore/contracts";
import { print, printJson } from "../io.ts";
import { collectTags, positiveInt, type CliContext } from "../options.ts";
import { formatDate, table } from "../output.ts";
import { connect } from "../session.ts";

const pct = (share: number | null) => (share === null ? "-" : `${Math.round(share * 100)} %`);

const windowsTable = (ws: SubscriptionWindow[]) =>
  ws.length
    ? table(
        ["ACCOUNT", "PLAN", "5H TOKENS", "LIMIT", "USED", "RESETS", "7 DAYS", "WEEK LIMIT", "WEEK USED"],
        ws.map((w) => [
          w.name,
          w.plan,
          String(w.windowTokens),
          String(w.windowTokenLimit),
          pct(w.windowShare),
          w.active ? formatDate(w.resetsAt) : "not running",
          String(w.weeklyTokens),
          w.weeklyTokenLimit === null ? "-" : String(w.weeklyTokenLimit),
          pct(w.weeklyShare),
        ]),
        [2, 3, 4, 6, 7, 8],
      )
    : "No subscription accounts. Add one: stratavore windows set <name> --plan max5";

/** `stratavore windows`: Claude subscription accounts' 5-hour windows and weeks. */
export function registerWindowsCommands(program: Command, { env, io }: CliContext): void {
  const windows = program
    .command("windows")
    .description("Claude subscription accounts: how full each 5-hour window and week is, and when it resets");
  windows
    .command("list", { isDefault: true })
    .description("every account's window and week")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const api = await connect(env);
      const ws = await api.windows.list.query();
      if (opts.json) return printJson(io, ws);
      print(io, windowsTable(ws));
    });
  windows
    .command("set")
    .description("add or change an account (admin); limits default to the plan's estimate")
    .argument("<name>", "account name")
    .addOption(new Option("--plan <plan>", "pro, max5, max20 or custom").choices(PLAN_NAMES).makeOptionMandatory())
    .option("--window-limit <tokens>", "input + output tokens per 5-hour window (required for custom)", positiveInt)
    .option("--weekly-limit <tokens>", "input + output tokens per 7 days", positiveInt)
    .option(
      "--node <node>",
      "nodes whose runners use this account (repeat, or separate with commas; default: all)",
      collectTags,
    )
    .option("--json", "print JSON")
    .action(
      async (
        name: string,
        opts: {
          plan: (typeof PLAN_NAMES)[number];
          windowLimit?: number;
          weeklyLimit?: number;
          node?: string[];
          json?: boolean;
        },
      ) => {
        const api = await connect(env);
        const w = await api.windows.set.mutate({
          name,
          plan: opts.plan,
          windowTokenLimit: opts.windowLimit,
          weeklyTokenLimit: opts.weeklyLimit,
          nodes: opts.node,
        });
        if (opts.json) return printJson(io, w);
        print(io, windowsTable([w]));
      },
    );
  windows
    .command("delete")
    .description("forget an account (admin)")
    .argument("<name>", "account name")
    .action(async (name: string) => {
      const api = await connect(env);
      await api.windows.delete.mutate({ name });
      print(io, `Deleted subscription account ${name}.`);
    });
}
