import type { ChannelModel, ConfirmChannel } from "amqplib";
import type { Announcement } from "@stratavore/contracts";
import { routingKeyOf } from "./routing-key.ts";
import { excerptOf, type SendResult } from "./send-result.ts";

const CONFIRM_MS = 15_000;

interface Link {
  conn: ChannelModel;
  channel: ConfirmChannel;
}

/**
 * Publishes announcements to topic exchanges, one connection per broker URL, kept open
 * between deliveries. A connection that closes or errs is dropped and re-opened by the next
 * publish; the job queue's retries with backoff carry deliveries across a broker restart.
 */
export class RabbitPublisher {
  private readonly links = new Map<string, Promise<Link>>();

  async publish(cfg: { url: string; exchange: string }, a: Announcement, deliveryKey: string): Promise<SendResult> {
    const key = `${cfg.url}\n${cfg.exchange}`;
    try {
      const link = await this.link(key, cfg);
      const routingKey = routingKeyOf(a);
      // Publisher confirms, per message: done only once the broker has taken responsibility
      // for this one. A broker that blocks publishers (memory or disk alarm) never confirms:
      // the wait is bounded, the connection dropped, the job retried later.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no confirm from the broker in ${CONFIRM_MS / 1000} s`)),
          CONFIRM_MS,
        );
        link.channel.publish(
          cfg.exchange,
          routingKey,
          Buffer.from(JSON.stringify(a)),
          {
            persistent: true,
            contentType: "application/json",
            messageId: deliveryKey,
            type: a.event,
            timestamp: Math.floor(Date.now() / 1000),
          },
          (err) => {
            clearTimeout(timer);
            if (err) reject(err instanceof Error ? err : new Error("the broker refused the message (nack)"));
            else resolve();
          },
        );
      });
      return { ok: true, status: null, excerpt: `confirmed ${routingKey}` };
    } catch (err) {
      this.drop(key);
      return { ok: false, status: null, excerpt: excerptOf(redact(String(err), cfg.url)) };
    }
  }

  private link(key: string, cfg: { url: string; exchange: string }): Promise<Link> {
    const existing = this.links.get(key);
    if (existing) return existing;
    const link: Promise<Link> = (async () => {
      // The client library loads with the first RabbitMQ channel, not in every server.
      const { default: amqp } = await import("amqplib");
      const conn = await amqp.connect(cfg.url, { timeout: 10_000 });
      // Only this link is dropped: a newer one for the same broker may already exist.
      conn.on("error", () => this.drop(key, link));
      conn.on("close", () => this.drop(key, link));
      try {
        const channel = await conn.createConfirmChannel();
        channel.on("error", () => this.drop(key, link));
        await channel.assertExchange(cfg.exchange, "topic", { durable: true });
        return { conn, channel };
      } catch (err) {
        // Refused setup (no configure permission, an exchange of another type): the connection
        // is not kept, or every retry would leave one more open on the broker.
        await conn.close().catch(() => undefined);
        throw err;
      }
    })();
    link.catch(() => this.drop(key, link));
    this.links.set(key, link);
    return link;
  }

  private drop(key: string, which?: Promise<Link>): void {
    const link = this.links.get(key);
    if (!link || (which && link !== which)) return;
    this.links.delete(key);
    void link.then((l) => l.conn.close()).catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const key of [...this.links.keys()]) this.drop(key);
  }
}

/** A broker URL's password must not reach the delivery log. */
function redact(text: string, url: string): string {
  const password = URL.canParse(url) ? new URL(url).password : "";
  return password ? text.split(password).join("***") : text;
}
