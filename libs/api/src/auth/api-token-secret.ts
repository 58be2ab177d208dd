import { createHash, randomBytes } from "node:crypto";
import { API_TOKEN_PREFIX } from "@stratavore/contracts";

/** 32 random bytes; the stored hash is SHA-256 (the secret has full entropy, so no slow hash needed). */
export function generateApiTokenSecret(): { secret: string; prefix: string; hash: string } {
  const secret = API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { secret, prefix: secret.slice(0, API_TOKEN_PREFIX.length + 6), hash: hashApiToken(secret) };
}

export function hashApiToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function looksLikeApiToken(value: string): boolean {
  return value.startsWith(API_TOKEN_PREFIX) && value.length > 20 && value.length < 200;
}
