import { createHmac, timingSafeEqual } from "node:crypto";
import type { Announcement } from "@stratavore/contracts";
import { excerptOf, type SendResult } from "./send-result.ts";

/** Receivers should refuse deliveries whose timestamp is further than this from their clock. */
export const WEBHOOK_REPLAY_WINDOW_SECONDS = 300;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` — the timestamp is signed too. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

/**
 * What a receiver does (and what docs/NOTIFICATIONS.md shows): recompute the MAC over the raw
 * body, compare in constant time, and refuse a timestamp outside the replay window.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const parts = Object.fromEntries((header ?? "").split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts["t"]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > WEBHOOK_REPLAY_WINDOW_SECONDS || !parts["v1"]) return false;
  const expected = Buffer.from(webhookSignature(secret, t, body));
  const given = Buffer.from(header ?? "");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function sendWebhook(
  cfg: { url: string; secret: string },
  a: Announcement,
  deliveryKey: string,
  userAgent: string,
): Promise<SendResult> {
  const body = JSON.stringify(a);
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(cfg.url, {
    method: "POST",
    body,
    // A redirect could carry the signed body somewhere the admin did not name.
    redirect: "manual",
    signal: AbortSignal.timeout(10_000),
    headers: {
      "content-type": "application/json",
      "user-agent": userAgent,
      "x-stratavore-event": a.event,
      "x-stratavore-delivery": deliveryKey,
      "x-stratavore-timestamp": String(timestamp),
      "x-stratavore-signature": webhookSignature(cfg.secret, timestamp, body),
    },
  });
  const text = await res.text().catch(() => "");
  return { ok: res.status >= 200 && res.status < 300, status: res.status, excerpt: excerptOf(text) };
}
