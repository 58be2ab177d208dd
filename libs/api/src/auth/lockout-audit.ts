import { userIdByEmail } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";

/** Records (and so announces) that repeated failed sign-ins locked an account for a while. */
export async function auditLockout(deps: ApiDeps, email: string): Promise<void> {
  const userId = await userIdByEmail(deps.db, email);
  await inTransaction(deps.db, deps.bus, (tx) =>
    audit(tx, deps.config.auditKey, null, {
      type: "auth.locked_out",
      entityType: "user",
      entityId: userId,
      data: { email },
    }),
  ).catch((err: unknown) => deps.log("warn", "recording a sign-in lockout failed", { error: String(err) }));
}
