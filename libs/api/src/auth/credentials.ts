import { AppError, emailSchema, type User } from "@stratavore/contracts";
import { findLoginCandidate, toUser, type Db } from "@stratavore/db";
import { dummyHash, verifyPassword } from "./passwords.ts";
import type { LoginRateLimiter } from "./login-rate-limit.ts";

/**
 * Checks an email + password. Wrong email, wrong password and disabled account all give
 * the same null, so the login form cannot be used to discover accounts.
 */
export async function verifyCredentials(
  db: Db,
  limiter: LoginRateLimiter,
  input: { email: unknown; password: unknown; ip: string },
): Promise<User | null> {
  const email = emailSchema.safeParse(input.email);
  const password = typeof input.password === "string" ? input.password : "";
  if (!email.success || !password || password.length > 200) return null;
  if (!(await limiter.allowAttempt(input.ip, email.data))) throw new AppError("RATE_LIMITED");
  let row: Awaited<ReturnType<typeof findLoginCandidate>>;
  let ok: boolean;
  try {
    row = await findLoginCandidate(db, email.data);
    ok = await verifyPassword(row?.passwordHash ?? (await dummyHash()), password);
  } catch (err) {
    // Not a wrong password: the attempt's points go back.
    await limiter.recordAborted(input.ip, email.data);
    throw err;
  }
  if (!row || !ok || row.disabledAt) {
    await limiter.recordFailure(input.ip, email.data);
    return null;
  }
  await limiter.recordSuccess(input.ip, email.data);
  return toUser(row);
}
