import { z } from "zod";

/** `read` allows queries; `write` allows mutations (still bounded by the owner's role). */
export const TOKEN_SCOPES = ["read", "write"] as const;
export const tokenScopeSchema = z.enum(TOKEN_SCOPES);
export type TokenScope = z.infer<typeof tokenScopeSchema>;

/** Every API token starts with this, so leaked tokens are easy to grep for. */
export const API_TOKEN_PREFIX = "svt_";

export const apiTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(tokenScopeSchema),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  createdAt: z.date(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const apiTokenCreateInput = z.object({
  name: z.string().trim().min(1).max(80),
  scopes: z.array(tokenScopeSchema).min(1).max(TOKEN_SCOPES.length).default(["read", "write"]),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export const apiTokenCreateOutput = z.object({
  token: apiTokenSchema,
  /** The secret, shown exactly once. */
  secret: z.string(),
});
export const apiTokenListOutput = z.array(apiTokenSchema);
export const apiTokenRevokeInput = z.object({ id: z.uuid() });
