import type { Announcement } from "@stratavore/contracts";
import type { ApiDeps } from "../deps.ts";
import { RabbitPublisher } from "./senders/rabbitmq.ts";
import type { SendResult } from "./senders/send-result.ts";

// A "send test" from a process without the job runtime still needs a publisher.
let fallback: RabbitPublisher | null = null;

export function sendRabbit(
  deps: ApiDeps,
  cfg: { url: string; exchange: string },
  a: Announcement,
  deliveryKey: string,
): Promise<SendResult> {
  const publisher = deps.notify?.rabbit ?? (fallback ??= new RabbitPublisher());
  return publisher.publish(cfg, a, deliveryKey);
}
