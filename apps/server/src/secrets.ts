import { randomBytes, createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * The server secret comes from STRATAVORE_SECRET, or is generated once and kept in the data
 * directory (mode 0600) so sessions survive restarts.
 */
export async function loadOrCreateSecret(
  dataDir: string,
  fromEnv: string | undefined,
  name = "secret",
): Promise<string> {
  if (fromEnv) return fromEnv;
  const file = join(dataDir, name);
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  await mkdir(dirname(file), { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  await writeFile(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** Separate keys per purpose, so the audit chain key is not the session key. */
export function deriveKey(secret: string, purpose: string): string {
  return createHmac("sha256", secret).update(`stratavore:${purpose}`).digest("hex");
}

export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}
