import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface TelegramMessage {
  token: string;
  chatId: string;
  text: string;
  parseMode: string | undefined;
}

/**
 * A local stand-in of the Telegram Bot API's sendMessage (https://core.telegram.org/bots/api):
 * POST /bot<token>/sendMessage with a JSON body; answers `{ ok, result }` or
 * `{ ok: false, error_code, description }` as the real one does.
 */
export async function startTelegramStandIn(validToken: string) {
  const messages: TelegramMessage[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (!m || m[1] !== validToken) return send(401, { ok: false, error_code: 401, description: "Unauthorized" });
      if (m[2] !== "sendMessage") return send(404, { ok: false, error_code: 404, description: "Not Found" });
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      if (!body["chat_id"] || !body["text"])
        return send(400, { ok: false, error_code: 400, description: "Bad Request: message text is empty" });
      messages.push({
        token: m[1],
        chatId: String(body["chat_id"]),
        text: String(body["text"]),
        parseMode: body["parse_mode"] as string | undefined,
      });
      send(200, {
        ok: true,
        result: {
          message_id: messages.length,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(body["chat_id"]), type: "private" },
          text: body["text"],
        },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
