import { userIdByEmail } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";

/** Announced lockouts per window and process: anyone can lock arbitrary emails, nobody can flood the bell. */
const MAX_ANNOUNCED = 10;
const WINDOW_MS = 15 * 60_000;
let window = { start: 0, count: 0, suppressed: 0 };

/**
 * Records (and so announces) that repeated failed sign-ins locked an account for a while: out
 * of one address (`address`; its owner elsewhere still signs in) or for everyone (null). Past
 * MAX_ANNOUNCED in a window the rest are only logged (with a count), never thrown.
 */
export async function auditLockout(
  deps: ApiDeps,
  email: string,
  address: string | null = null,
  now = Date.now(),
): Promise<void> {
  try {
    if (now - window.start > WINDOW_MS) window = { start: now, count: 0, suppressed: 0 };
    if (window.count >= MAX_ANNOUNCED) {
      window.suppressed += 1;
      deps.log("warn", "sign-in lockout not announced: too many in this window", { suppressed: window.suppressed });
      return;
    }
    window.count += 1;
    const userId = await userIdByEmail(deps.db, email);
    await inTransaction(deps.db, deps.bus, (tx) =>
      audit(tx, deps.config.auditKey, null, {
        type: "auth.locked_out",
        entityType: "user",
        entityId: userId,
        data: {
          email,
          known: userId !== null,
          scope: address === null ? "account" : "address",
          ...(address === null ? {} : { address }),
        },
      }),
    );
  } catch (err) {
    deps.log("warn", "recording a sign-in lockout failed", { error: String(err) });
  }
}
