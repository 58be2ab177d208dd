import { z } from "zod";

export const BUDGET_SCOPES = ["global", "project", "runner"] as const;
/** five_hour: the current 5-hour usage window, as Claude subscriptions count them. */
export const BUDGET_PERIODS = ["hourly", "daily", "weekly", "monthly", "five_hour"] as const;
export const BUDGET_ACTIONS = ["notify", "block_launch", "pause", "terminate"] as const;
/** Actions whose budget, once exceeded, refuses launches in its scope (a pausing one would pause them at once). */
export const LAUNCH_BLOCKING_ACTIONS: readonly (typeof BUDGET_ACTIONS)[number][] = [
  "block_launch",
  "pause",
  "terminate",
];

const budgetFields = {
  name: z.string().trim().min(1).max(100),
  scope: z.enum(BUDGET_SCOPES),
  /** Project name or id for `project`, runner id for `runner`, absent for `global`. */
  scopeRef: z.string().trim().max(100).optional(),
  period: z.enum(BUDGET_PERIODS),
  limitTokens: z.number().int().min(1).nullable().optional(),
  limitUsd: z
    .number()
    .min(0.0001, "At least $0.0001 (budgets keep four decimals)")
    .max(1_000_000_000)
    .nullable()
    .optional(),
  warnPercent: z.number().int().min(1).max(100).default(80),
  action: z.enum(BUDGET_ACTIONS).default("notify"),
};

export const budgetCreateInput = z
  .object(budgetFields)
  .refine((b) => b.limitTokens != null || b.limitUsd != null, {
    message: "Set a token limit, a USD limit, or both",
    path: ["limitTokens"],
  })
  .refine((b) => (b.scope === "global") === !b.scopeRef, {
    message: "project and runner budgets name their scope; global ones do not",
    path: ["scopeRef"],
  });

export const budgetUpdateInput = z.object({
  id: z.uuid(),
  name: budgetFields.name.optional(),
  limitTokens: z.number().int().min(1).nullable().optional(),
  limitUsd: z
    .number()
    .min(0.0001, "At least $0.0001 (budgets keep four decimals)")
    .max(1_000_000_000)
    .nullable()
    .optional(),
  warnPercent: z.number().int().min(1).max(100).optional(),
  action: z.enum(BUDGET_ACTIONS).optional(),
  enabled: z.boolean().optional(),
});

export const budgetSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  scope: z.enum(BUDGET_SCOPES),
  scopeId: z.string().nullable(),
  scopeLabel: z.string(),
  period: z.enum(BUDGET_PERIODS),
  limitTokens: z.number().nullable(),
  limitUsd: z.number().nullable(),
  warnPercent: z.number().int(),
  action: z.enum(BUDGET_ACTIONS),
  enabled: z.boolean(),
  /** Usage in the current period, from the ledger. */
  periodStart: z.date(),
  periodEnd: z.date(),
  usedTokens: z.number(),
  /** Estimated prices included (DESIGN §3 rule 4): they count against a USD limit. */
  usedUsd: z.number(),
  /** The part of usedUsd priced at a family's newest price. */
  estimatedUsd: z.number(),
  /** Tokens with no price at all in the period: a USD limit cannot see them. */
  unpricedTokens: z.number(),
  /** max(tokens used / limit, usd used / limit), 0..∞ */
  fraction: z.number(),
  state: z.enum(["ok", "warning", "exceeded"]),
  createdAt: z.date(),
});
export type Budget = z.infer<typeof budgetSchema>;
export const budgetListOutput = z.array(budgetSchema);
export const budgetIdInput = z.object({ id: z.uuid() });

/**
 * A dollar limit over usage that has no price: the spend it shows is only a lower bound, so
 * "ok 0 %" would claim more than anyone knows (DESIGN §3 rule 4). A token limit, if any, still
 * judges the tokens; the dollar side cannot be fully evaluated.
 */
export const usdOnlyLowerBound = (b: Pick<Budget, "limitUsd" | "unpricedTokens">): boolean =>
  b.limitUsd !== null && b.unpricedTokens > 0;

/** "57 %", or "at least 57 %" when the figure is a lower bound: how every message words it. */
export const percentText = (percent: number, lowerBound: boolean): string =>
  `${lowerBound ? "at least " : ""}${percent} %`;

/** A budget's share of its limit; a lower bound for a dollar budget over unpriced usage. */
export const percentUsed = (b: Pick<Budget, "fraction" | "limitUsd" | "unpricedTokens">): string =>
  percentText(Math.round(b.fraction * 100), usdOnlyLowerBound(b));

/**
 * A USD budget's spend beside its limit, both to the limit's own precision (at least cents): a
 * limit of $0.025 read "$0.03 / $0.03" when rounded to cents, and "$0.01 of $0.001" when only
 * the spend was — a budget past its limit that looked as if it were not. Dashboard, CLI and the
 * BUDGET_BLOCKED message say it the same way.
 */
export function usdAgainstLimit(usedUsd: number, limitUsd: number): { used: string; limit: string } {
  const usd = (v: number, digits: number) =>
    `$${v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
  let digits = Math.min(6, Math.max(2, (/\.(\d+)$/.exec(String(limitUsd))?.[1] ?? "").length));
  // A spend just short of (or past) the limit must not read as equal to it: "$0.025 / $0.025"
  // on a budget that has not bitten looks like one that failed to. More digits until they differ.
  while (digits < 8 && usedUsd !== limitUsd && usd(usedUsd, digits) === usd(limitUsd, digits)) digits++;
  return { used: usd(usedUsd, digits), limit: usd(limitUsd, digits) };
}
