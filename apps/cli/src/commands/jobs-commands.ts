import type { Command } from "commander";
import { print, printJson } from "../io.ts";
import type { CliContext } from "../options.ts";
import { fields, formatDate, formatEventSeq, table } from "../output.ts";
import { connect } from "../session.ts";

const age = (d: Date | null): string => (d ? `${Math.max(0, Math.round((Date.now() - d.getTime()) / 1000))} s` : "-");

/** `stratavore jobs`: the outbox and the delivery queue (admin). */
export function registerJobsCommands(program: Command, ctx: CliContext): void {
  const { env, io } = ctx;
  const jobs = program.command("jobs").description("the outbox and the notification delivery queue (admin)");

  jobs
    .command("status", { isDefault: true })
    .description("queue depth, oldest waiting job, dead letters and recent failed deliveries")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const api = await connect(env);
      const o = await api.jobs.overview.query();
      if (opts.json) return printJson(io, o);
      const lines = [
        fields([
          ["Outbox", `${o.outbox.depth} waiting (oldest ${age(o.outbox.oldestAt)})`],
          ...o.queues.map(
            (q) =>
              [
                `Queue ${q.name}`,
                `${q.waiting} waiting, ${q.retrying} retrying, ${q.active} active, ${q.deadLetters} dead letters (oldest waiting ${age(q.oldestWaitingAt)})`,
              ] as [string, string],
          ),
          ...o.schedules.map((x) => [`Scheduled ${x.name}`, `cron ${x.cron} (UTC)`] as [string, string]),
        ]),
      ];
      if (o.recentFailures.length)
        lines.push(
          "",
          "Recent failed deliveries:",
          table(
            ["AT", "CHANNEL", "EVENT", "TRY", "STATUS", "RESPONSE"],
            o.recentFailures.map((f) => [
              formatDate(f.createdAt),
              f.channelName,
              formatEventSeq(f.eventSeq),
              String(f.attempt),
              f.status === null ? "-" : String(f.status),
              f.excerpt.replace(/\s+/g, " ").slice(0, 60),
            ]),
          ),
        );
      print(io, lines.join("\n"));
    });

  jobs
    .command("dead-letters")
    .description("deliveries that used up their retries")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const api = await connect(env);
      const dead = await api.jobs.deadLetters.query({});
      if (opts.json) return printJson(io, dead);
      print(
        io,
        dead.length
          ? table(
              ["ID", "EVENT", "CHANNEL", "SINCE"],
              dead.map((d) => [d.id, formatEventSeq(d.eventSeq), d.channelId, formatDate(d.createdAt)]),
            )
          : "No dead letters.",
      );
    });

  jobs
    .command("retry")
    .description("put dead letters back in the delivery queue (all, or the ids given)")
    .argument("[ids...]", "dead-letter ids from 'jobs dead-letters'")
    .option("--json", "print JSON")
    .action(async (ids: string[], opts: { json?: boolean }) => {
      const api = await connect(env);
      const res = await api.jobs.retryDeadLetters.mutate({ ids: ids.length ? ids : undefined });
      if (opts.json) return printJson(io, res);
      print(io, `Retrying ${res.retried} dead letter${res.retried === 1 ? "" : "s"}.`);
    });
}
