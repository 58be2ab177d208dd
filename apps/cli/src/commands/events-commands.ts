import type { Command } from "commander";
import type { AuditEventRow } from "@stratavore/contracts";
import { DATE_HELP, sinceArg, untilArg } from "../date-range.ts";
import { CliError } from "../cli-error.ts";
import { print, printJson, type Io } from "../io.ts";
import type { CliContext } from "../options.ts";
import { formatDate, table } from "../output.ts";
import { progressLine } from "../progress.ts";
import { openRealtime } from "../realtime-client.ts";
import { clientFor, resolveConnection } from "../session.ts";

interface EventsOptions {
  type?: string;
  actor?: string;
  project?: string;
  entity?: string;
  since?: Date;
  until?: Date;
  limit: string;
  follow?: boolean;
  json?: boolean;
}

const FOLLOW_EVERY_MS = 1000;

function actorOf(e: AuditEventRow): string {
  return e.actorName ?? (e.actorId ? `${e.actorType}:${e.actorId.slice(0, 8)}` : e.actorType);
}

function entityOf(e: AuditEventRow): string {
  return e.entityId ? `${e.entityType}:${e.entityId.length > 12 ? e.entityId.slice(0, 8) : e.entityId}` : e.entityType;
}

export function eventRows(events: AuditEventRow[]): string[][] {
  return events.map((e) => [
    String(e.seq),
    formatDate(e.createdAt),
    e.type,
    actorOf(e),
    entityOf(e),
    e.projectName ?? "-",
  ]);
}

const HEADER = ["SEQ", "AT", "TYPE", "ACTOR", "ENTITY", "PROJECT"];

function printFollowed(io: Io, events: AuditEventRow[], json: boolean): void {
  for (const e of events)
    if (json) io.stdout.write(`${JSON.stringify(e)}\n`);
    else print(io, eventRows([e]).flat().join("  "));
}

export function registerEventsCommands(program: Command, ctx: CliContext): void {
  const { env, io } = ctx;
  const events = program
    .command("events")
    .description("read the audit log (newest last); 'events verify' checks its signature chain")
    .option("--type <type>", "an event type (runner.started) or a prefix ending in '.' (runner.)")
    .option("--actor <who>", "a user's email, a node's name, an id, or 'system'")
    .option("--project <project>", "a project name or id")
    .option("--entity <type[:id]>", "an entity type, optionally with its id (runner:3f2a…)")
    .option("--since <date>", `from this day on: ${DATE_HELP}`, sinceArg)
    .option("--until <date>", `up to this day: ${DATE_HELP}`, untilArg)
    .option("--limit <n>", "how many of the newest events (1-500)", "50")
    .option("-f, --follow", "keep printing new events as they happen (Ctrl-C to stop)")
    .option("--json", "print JSON (with --follow: one object per line)")
    .action(async (opts: EventsOptions) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500)
        throw new CliError("USAGE", "--limit takes a whole number from 1 to 500.");
      const [entityType, entityId] = opts.entity ? opts.entity.split(":", 2) : [undefined, undefined];
      const filter = {
        type: opts.type,
        actor: opts.actor,
        project: opts.project,
        entityType,
        entityId,
        since: opts.since,
        until: opts.until,
      };
      const api = clientFor(await resolveConnection(env));
      const page = await api.audit.list.query({ ...filter, limit });
      const oldestFirst = [...page.items].reverse();
      if (!opts.follow) {
        if (opts.json) return printJson(io, oldestFirst);
        return print(io, oldestFirst.length ? table(HEADER, eventRows(oldestFirst), [0]) : "No events match.");
      }
      printFollowed(io, oldestFirst, !!opts.json);
      let after = page.items[0]?.seq ?? 0;
      if (!page.items.length) {
        // Nothing matched yet: follow from the log's current end, not from its beginning.
        const newest = await api.audit.list.query({ limit: 1 });
        after = newest.items[0]?.seq ?? 0;
      }
      let stop = false;
      const unsubscribe = io.onInterrupt(() => (stop = true));
      try {
        while (!stop) {
          await new Promise((r) => setTimeout(r, FOLLOW_EVERY_MS));
          const next = await api.audit.list.query({ ...filter, since: undefined, afterSeq: after, limit: 500 });
          printFollowed(io, next.items, !!opts.json);
          after = next.items.at(-1)?.seq ?? after;
        }
      } finally {
        unsubscribe();
      }
    });

  events
    .command("verify")
    .description("re-compute the audit log's HMAC chain (admin); exits 1 at the first broken event")
    .option("--json", "print JSON")
    .action(async (own: { json?: boolean }) => {
      // `--json` after `verify` may be parsed as the parent's own --json.
      const opts = { json: own.json || (events.opts() as { json?: boolean }).json };
      const conn = await resolveConnection(env);
      const api = clientFor(conn);
      const total = (await api.audit.list.query({ limit: 1 })).items[0]?.seq ?? 0;
      const bar = progressLine(io.stderr);
      // Progress comes over the realtime connection while the call runs; without it, just wait.
      const socket = await openRealtime(conn).catch(() => null);
      socket?.on("audit:verify", (p) => bar.update(p.lastSeq, total, "events"));
      try {
        const result = await api.audit.verify.mutate();
        bar.clear();
        if (opts.json) printJson(io, result);
        else if (result.ok)
          print(io, `Audit chain intact: ${result.checked.toLocaleString("en-US")} events checked in ${result.ms} ms.`);
        if (!result.ok)
          throw new CliError(
            "CHAIN_BROKEN",
            `The audit chain is broken at event #${result.firstBrokenSeq} (${result.checked} events before it check out): ` +
              "an event was altered, removed or inserted. This was recorded as audit.chain_broken.",
          );
      } finally {
        bar.clear();
        socket?.disconnect();
      }
    });
}
