import { Api, GrammyError } from "grammy";
import type { Announcement } from "@stratavore/contracts";
import { excerptOf, type SendResult } from "./send-result.ts";

const ICON = { info: "ℹ️", warning: "⚠️", critical: "🛑" } as const;
const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The message text: severity, title, project, and a link back to the dashboard. */
export function telegramText(a: Announcement): string {
  const lines = [`${ICON[a.severity]} <b>${escape(a.title)}</b>`];
  if (a.project) lines.push(`Project: ${escape(a.project.name)}`);
  if (a.url) lines.push(`<a href="${escape(a.url)}">Open in Stratavore</a>`);
  return lines.join("\n");
}

export async function sendTelegram(
  cfg: { botToken: string; chatId: string; apiRoot?: string },
  a: Announcement,
): Promise<SendResult> {
  const api = new Api(cfg.botToken, { apiRoot: cfg.apiRoot ?? "https://api.telegram.org", timeoutSeconds: 10 });
  try {
    const msg = await api.sendMessage(cfg.chatId, telegramText(a), {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    });
    return { ok: true, status: 200, excerpt: `message ${msg.message_id}` };
  } catch (err) {
    // The bot token is part of Bot API URLs: never let an error message carry it into the log.
    if (err instanceof GrammyError) return { ok: false, status: err.error_code, excerpt: excerptOf(err.description) };
    return { ok: false, status: null, excerpt: excerptOf(String(err).split(cfg.botToken).join("<token>")) };
  }
}
