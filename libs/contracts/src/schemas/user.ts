import { z } from "zod";
import { guessablePassword } from "./guessable-password.ts";

export const ROLES = ["admin", "operator", "viewer"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Higher rank includes the rights of every lower one. */
export const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[required];
}

export const emailSchema = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
export const passwordSchema = z
  .string()
  .min(10, "At least 10 characters")
  .max(200)
  .superRefine((p, ctx) => {
    const why = p.length >= 10 ? guessablePassword(p) : null;
    if (why) ctx.addIssue({ code: "custom", message: `Too easy to guess: ${why}` });
  });

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: z.date(),
});
export type User = z.infer<typeof userSchema>;

export const userCreateInput = z.object({
  email: emailSchema,
  name: z.string().trim().min(1).max(100),
  role: roleSchema,
  password: passwordSchema,
});
export const userIdInput = z.object({ id: z.uuid() });
export const userSetDisabledInput = z.object({ id: z.uuid(), disabled: z.boolean() });
export const userResetPasswordInput = z.object({ id: z.uuid(), password: passwordSchema });
export const userSetRoleInput = z.object({ id: z.uuid(), role: roleSchema });
export const userListOutput = z.array(userSchema);

export const whoamiOutput = userSchema.extend({
  via: z.enum(["session", "token"]),
  scopes: z.array(z.string()),
});
export type Whoami = z.infer<typeof whoamiOutput>;

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: passwordSchema,
});
/** How many other sign-ins the change ended (the caller's own browser stays signed in). */
export const changePasswordOutput = z.object({ endedSessions: z.number().int() });
export const signOutEverywhereOutput = z.object({ endedSessions: z.number().int() });
export const loginSessionSchema = z.object({
  id: z.uuid(),
  createdAt: z.date(),
  lastSeenAt: z.date(),
  expiresAt: z.date(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  /** The sign-in this request came with. */
  current: z.boolean(),
});
export const loginSessionListOutput = z.array(loginSessionSchema);
