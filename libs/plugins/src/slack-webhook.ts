import { definePlugin, type PluginEvent } from "@stratavore/contracts";
import { z } from "zod";

/**
 * Example plugin: a notification channel for Slack-compatible incoming webhooks (Slack,
 * Mattermost, Rocket.Chat take the same `{ "text": … }` body). Announced events matching its
 * filter are posted with a link back to the dashboard.
 *
 * Config: { "url": "https://hooks.slack.com/services/…", "events": ["runner.waiting", …],
 * "minSeverity": "warning" } — events and minSeverity are optional filters.
 */
const SEVERITY = ["info", "warning", "critical"] as const;

const configSchema = z.object({
  url: z.url(),
  events: z.array(z.string()).optional(),
  minSeverity: z.enum(SEVERITY).default("info"),
});

/**
 * Slack's three control characters, escaped as its message format asks: an event's title can
 * carry text from a runner's screen, and `<url|text>` in it would otherwise be a link it chose.
 */
const escapeSlack = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** The message Slack shows: the title, linked to the dashboard when there is a page for it. */
export function slackMessage(e: PluginEvent): { text: string } {
  const icon =
    e.severity === "critical" ? ":red_circle:" : e.severity === "warning" ? ":warning:" : ":information_source:";
  const title = e.url ? `<${e.url}|${escapeSlack(e.title)}>` : escapeSlack(e.title);
  return { text: `${icon} ${title}${e.project ? ` · ${escapeSlack(e.project.name)}` : ""}` };
}

export default definePlugin({
  name: "slack-webhook",
  version: "1.0.0",
  configSchema,
  setup({ config }) {
    const takes = (e: PluginEvent) =>
      (!config.events || config.events.includes(e.event)) &&
      SEVERITY.indexOf(e.severity) >= SEVERITY.indexOf(config.minSeverity);
    return {
      async onEvent(e) {
        if (!takes(e)) return;
        const res = await fetch(config.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(slackMessage(e)),
          signal: AbortSignal.timeout(4000),
        });
        // A refusal is this plugin's failure: the host disables it and says why.
        if (!res.ok) throw new Error(`the webhook answered ${res.status}`);
      },
    };
  },
});
