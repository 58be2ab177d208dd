import { channelConfigSchema, type Announcement, type ChannelConfig } from "@stratavore/contracts";
import type { ChannelRow } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { openJson } from "./secret-box.ts";
import { sendRabbit } from "./rabbit-send.ts";
import type { SendResult } from "./senders/send-result.ts";
import { sendTelegram } from "./senders/telegram.ts";
import { sendWebhook } from "./senders/webhook.ts";

/** A channel's settings, decrypted; the webhook secret is always present once stored. */
export function channelConfigOf(deps: ApiDeps, row: ChannelRow): ChannelConfig {
  return channelConfigSchema.parse(openJson(deps.config.channelKey, row.configEncrypted));
}

/** One attempt at one external channel (in-app notifications are rows, not sends). */
export async function sendToChannel(
  deps: ApiDeps,
  row: ChannelRow,
  a: Announcement,
  deliveryKey: string,
): Promise<SendResult> {
  try {
    const cfg = channelConfigOf(deps, row);
    switch (cfg.kind) {
      case "webhook":
        return await sendWebhook(
          { url: cfg.url, secret: cfg.secret ?? "" },
          a,
          deliveryKey,
          `Stratavore/${deps.config.version}`,
        );
      case "telegram":
        return await sendTelegram(cfg, a);
      case "rabbitmq":
        return await sendRabbit(deps, cfg, a, deliveryKey);
      case "in_app":
        return { ok: true, status: null, excerpt: "in-app notifications are written by the dispatcher" };
    }
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { ok: false, status: null, excerpt: message.slice(0, 500) };
  }
}
