import { z } from "zod";

/**
 * Claude subscription plans and their estimated input + output tokens per 5-hour window, as
 * Claude-Code-Usage-Monitor estimates them (Anthropic does not publish exact figures): set
 * your own with `custom`.
 */
export const SUBSCRIPTION_PLANS = { pro: 19_000, max5: 88_000, max20: 220_000 } as const;
export const PLAN_NAMES = ["pro", "max5", "max20", "custom"] as const;

export const windowAccountSetInput = z
  .object({
    name: z.string().trim().min(1).max(60),
    plan: z.enum(PLAN_NAMES),
    /** Required for `custom`; otherwise the plan's estimate unless given. */
    windowTokenLimit: z.number().int().min(1).max(1_000_000_000).optional(),
    /** null stops tracking the week; absent keeps what is set. */
    weeklyTokenLimit: z.number().int().min(1).max(2_000_000_000).nullable().optional(),
    /** Node names or ids whose runners use this account ([] = every node); absent keeps what is set. */
    nodes: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
  })
  .refine((a) => a.plan !== "custom" || a.windowTokenLimit !== undefined, {
    message: "A custom plan needs windowTokenLimit",
    path: ["windowTokenLimit"],
  });
export const windowAccountRefInput = z.object({ name: z.string().trim().min(1).max(60) });

export const subscriptionWindowSchema = z.object({
  name: z.string(),
  plan: z.string(),
  nodes: z.array(z.string()),
  /** The current 5-hour window: when it began and when it resets (a new one starts with the next use if none runs). */
  windowStart: z.date(),
  resetsAt: z.date(),
  active: z.boolean(),
  /** Input + output tokens used in it, the limit, and the share used (0..∞). */
  windowTokens: z.number(),
  windowTokenLimit: z.number(),
  windowShare: z.number(),
  /** All tokens in it, cache included (what the ledger counts). */
  windowTotalTokens: z.number(),
  weeklyTokens: z.number(),
  weeklyTokenLimit: z.number().nullable(),
  weeklyShare: z.number().nullable(),
});
export type SubscriptionWindow = z.infer<typeof subscriptionWindowSchema>;
export const subscriptionWindowListOutput = z.array(subscriptionWindowSchema);
