import type { Command } from "commander";
import type { Channel } from "@stratavore/contracts";
import { CliError } from "../cli-error.ts";
import { print, printJson } from "../io.ts";
import type { CliContext } from "../options.ts";
import { formatDate, formatEventSeq, table } from "../output.ts";
import { connect } from "../session.ts";

async function channelByRef(api: Awaited<ReturnType<typeof connect>>, ref: string): Promise<Channel> {
  const all = await api.channels.list.query();
  const found = all.find((c) => c.id === ref || c.name === ref);
  if (!found) throw new CliError("NOT_FOUND", `No notification channel '${ref}'.`);
  return found;
}

/** `stratavore channels`: notification channels (admin); created and edited in Settings → Notifications. */
export function registerChannelsCommands(program: Command, ctx: CliContext): void {
  const { env, io } = ctx;
  const channels = program
    .command("channels")
    .description("notification channels: webhooks, Telegram, RabbitMQ, in-app (admin)");

  channels
    .command("list", { isDefault: true })
    .alias("ls")
    .description("list channels with their last delivery")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const api = await connect(env);
      const list = await api.channels.list.query();
      if (opts.json) return printJson(io, list);
      print(
        io,
        list.length
          ? table(
              ["NAME", "KIND", "ON", "TARGET", "LAST DELIVERY"],
              list.map((c) => [
                c.name,
                c.kind,
                c.enabled ? "yes" : "no",
                c.target,
                c.lastAttempt ? `${c.lastAttempt.ok ? "ok" : "FAILED"} ${formatDate(c.lastAttempt.createdAt)}` : "-",
              ]),
            )
          : "No channels; add one in Settings → Notifications.",
      );
    });

  channels
    .command("test")
    .description("send a test message through a channel now")
    .argument("<channel>", "channel name or id")
    .option("--json", "print JSON")
    .action(async (ref: string, opts: { json?: boolean }) => {
      const api = await connect(env);
      const ch = await channelByRef(api, ref);
      const res = await api.channels.test.mutate({ id: ch.id });
      if (opts.json) return printJson(io, res);
      if (!res.ok)
        throw new CliError(
          "DELIVERY_FAILED",
          `Test to ${ch.name} failed (${res.status ?? "no status"}): ${res.excerpt}`,
        );
      print(io, `Test sent to ${ch.name} in ${res.latencyMs} ms: ${res.excerpt}`);
    });

  channels
    .command("log")
    .description("a channel's delivery log, newest first")
    .argument("<channel>", "channel name or id")
    .option("--json", "print JSON")
    .action(async (ref: string, opts: { json?: boolean }) => {
      const api = await connect(env);
      const ch = await channelByRef(api, ref);
      const log = await api.channels.attempts.query({ id: ch.id });
      if (opts.json) return printJson(io, log);
      print(
        io,
        log.length
          ? table(
              ["AT", "EVENT", "TRY", "OK", "STATUS", "MS", "RESPONSE"],
              log.map((a) => [
                formatDate(a.createdAt),
                formatEventSeq(a.eventSeq),
                String(a.attempt),
                a.ok ? "yes" : "no",
                a.status === null ? "-" : String(a.status),
                String(a.latencyMs),
                a.excerpt.replace(/\s+/g, " ").slice(0, 60),
              ]),
              [1, 2, 5],
            )
          : "No deliveries yet.",
      );
    });
}
