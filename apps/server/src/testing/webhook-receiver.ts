import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedHook {
  at: number;
  event: string;
  deliveryKey: string;
  signature: string;
  /** Checked here, independently of the server's code: HMAC-SHA256 of "<t>.<raw body>", t within 5 minutes. */
  signatureValid: boolean;
  body: Record<string, unknown>;
}

/** What the receiver answers; `hold` keeps the request open until the test lets it go. */
export type HookReply = { status: number; body?: string } | "hold";

/**
 * A webhook receiver as a user would write one: verifies the signature with its own HMAC and
 * drops repeats by delivery key (`unique` holds what it would act on).
 */
export async function startWebhookReceiver(
  secret: () => string,
  reply: (hook: ReceivedHook, n: number) => HookReply = () => ({ status: 200, body: "ok" }),
) {
  const received: ReceivedHook[] = [];
  const unique = new Map<string, ReceivedHook>();
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers["x-stratavore-signature"] ?? "");
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
      const fresh = !!m && Math.abs(Date.now() / 1000 - Number(m[1])) <= 300;
      const mac = m ? createHmac("sha256", secret()).update(`${m[1]}.${raw}`).digest() : Buffer.alloc(0);
      const signatureValid = !!m && fresh && timingSafeEqual(mac, Buffer.from(m[2]!, "hex"));
      const hook: ReceivedHook = {
        at: Date.now(),
        event: String(req.headers["x-stratavore-event"] ?? ""),
        deliveryKey: String(req.headers["x-stratavore-delivery"] ?? ""),
        signature,
        signatureValid,
        body: JSON.parse(raw) as Record<string, unknown>,
      };
      received.push(hook);
      const r = reply(hook, received.length);
      if (r === "hold") {
        held.push(res);
        return;
      }
      if (r.status >= 200 && r.status < 300 && signatureValid && !unique.has(hook.deliveryKey))
        unique.set(hook.deliveryKey, hook);
      res.writeHead(r.status, { "content-type": "text/plain" }).end(r.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    unique,
    held,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
