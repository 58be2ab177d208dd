import { randomBytes } from "node:crypto";
import {
  AppError,
  type Channel,
  type ChannelConfig,
  type ChannelCreateInput,
  type ChannelUpdateInput,
  type DeliveryAttempt,
} from "@stratavore/contracts";
import {
  deleteChannelRow,
  findChannel,
  insertChannel,
  insertNotification,
  lastAttempts,
  listAttempts,
  listChannels,
  recordAttempt,
  updateChannelRow,
  type AttemptRow,
  type ChannelRow,
} from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import type { ApiConfig } from "../config.ts";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction, isUniqueViolation, type TxClient } from "../shared/transaction.ts";
import { pathOf, testAnnouncement } from "./announce.ts";
import { channelConfigOf, sendToChannel } from "./channel-send.ts";
import { announceNotifications } from "./dispatcher.ts";
import { sealJson } from "./secret-box.ts";

export function toAttempt(r: AttemptRow): DeliveryAttempt {
  return { ...r, id: String(r.id), eventSeq: Number(r.eventSeq) };
}

/** Where a channel delivers, in words, without secrets. */
function targetOf(cfg: ChannelConfig): string {
  switch (cfg.kind) {
    case "in_app":
      return "every user's notification list";
    case "webhook":
      // The origin only: Slack- and Discord-style webhook URLs carry their token in the path.
      return `${new URL(cfg.url).origin}/…`;
    case "telegram":
      return `chat ${cfg.chatId} via ${new URL(cfg.apiRoot ?? "https://api.telegram.org").host}`;
    case "rabbitmq": {
      const u = new URL(cfg.url);
      return `${u.protocol}//${u.host}${u.pathname} exchange ${cfg.exchange}`;
    }
  }
}

function view(deps: ApiDeps, row: ChannelRow, last: AttemptRow | undefined): Channel {
  let target: string;
  try {
    target = targetOf(channelConfigOf(deps, row));
  } catch {
    // Sealed under another server secret (a restored backup): say so instead of failing the list.
    target = "settings unreadable (the server secret changed): set them again (PATCH config) or re-add the channel";
  }
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    target,
    enabled: row.enabled,
    eventFilter: row.eventFilter as Channel["eventFilter"],
    projectFilter: row.projectFilter,
    minSeverity: row.minSeverity as Channel["minSeverity"],
    lastAttempt: last ? toAttempt(last) : null,
    createdAt: row.createdAt,
  };
}

export async function listChannelViews(deps: ApiDeps): Promise<Channel[]> {
  const rows = await listChannels(deps.db);
  const last = await lastAttempts(
    deps.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => view(deps, r, last.get(r.id)));
}

async function channelOr404(deps: ApiDeps, id: string): Promise<ChannelRow> {
  const row = await findChannel(deps.db, id);
  if (!row) throw new AppError("NOT_FOUND", "No such notification channel.");
  return row;
}

/** A webhook without a secret gets one: deliveries are always signed. */
function withSecret(cfg: ChannelConfig): ChannelConfig {
  return cfg.kind === "webhook" && !cfg.secret
    ? { ...cfg, secret: `whsec_${randomBytes(24).toString("base64url")}` }
    : cfg;
}

/**
 * New webhook settings without a secret keep the channel's current one (receivers verify with
 * it); only when it cannot be read (another server secret) is a new one generated.
 */
function keepWebhookSecret(deps: ApiDeps, row: ChannelRow, next: ChannelConfig): ChannelConfig {
  if (next.kind !== "webhook" || next.secret) return next;
  try {
    const current = channelConfigOf(deps, row);
    if (current.kind === "webhook" && current.secret) return { ...next, secret: current.secret };
  } catch {
    // Unreadable: fall through to a fresh secret.
  }
  return withSecret(next);
}

const nameTaken = (err: unknown) => {
  if (isUniqueViolation(err)) throw new AppError("CONFLICT", "A channel with that name exists.");
  throw err;
};

export async function createChannel(
  deps: ApiDeps,
  actor: Principal,
  input: ChannelCreateInput,
): Promise<{ channel: Channel; webhookSecret: string | null }> {
  const config = withSecret(input.config);
  const row = await inTransaction(deps.db, deps.bus, async (tx) => {
    const created = await insertChannel(tx, {
      name: input.name,
      kind: config.kind,
      configEncrypted: sealJson(deps.config.channelKey, config),
      eventFilter: input.eventFilter,
      projectFilter: input.projectFilter,
      minSeverity: input.minSeverity,
      enabled: input.enabled,
    });
    await audit(tx, deps.config.auditKey, actor, {
      type: "channel.created",
      entityType: "channel",
      entityId: created.id,
      data: { name: created.name, kind: created.kind },
    });
    return created;
  }).catch(nameTaken);
  return {
    channel: view(deps, row, undefined),
    webhookSecret: config.kind === "webhook" ? (config.secret ?? null) : null,
  };
}

/**
 * The channel a fresh install starts with, made with the first admin (in its transaction):
 * warnings and worse (a runner failed, waiting for someone or paused by a budget, a budget
 * near or over its limit, a node gone) in the dashboard's bell, so nothing urgent goes unseen
 * before an admin sets up delivery elsewhere. An ordinary channel: edited, disabled or deleted
 * like any other. A database that already has channels (restored without its users) keeps them.
 */
export async function createDefaultChannel(
  tx: TxClient,
  keys: Pick<ApiConfig, "channelKey" | "auditKey">,
): Promise<void> {
  if ((await listChannels(tx)).length) return;
  const created = await insertChannel(tx, {
    name: DEFAULT_CHANNEL_NAME,
    kind: "in_app",
    configEncrypted: sealJson(keys.channelKey, { kind: "in_app" }),
    eventFilter: [],
    projectFilter: [],
    minSeverity: "warning",
    enabled: true,
  });
  await audit(tx, keys.auditKey, null, {
    type: "channel.created",
    entityType: "channel",
    entityId: created.id,
    data: { name: created.name, kind: created.kind, default: true },
  });
}

export const DEFAULT_CHANNEL_NAME = "Dashboard";

export async function updateChannel(deps: ApiDeps, actor: Principal, input: ChannelUpdateInput): Promise<Channel> {
  const existing = await channelOr404(deps, input.id);
  if (input.config && input.config.kind !== existing.kind)
    throw new AppError("VALIDATION", "A channel's kind cannot change; create a new channel instead.");
  const config = input.config ? keepWebhookSecret(deps, existing, input.config) : undefined;
  const row = await inTransaction(deps.db, deps.bus, async (tx) => {
    const updated = await updateChannelRow(tx, input.id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.eventFilter ? { eventFilter: input.eventFilter } : {}),
      ...(input.projectFilter ? { projectFilter: input.projectFilter } : {}),
      ...(input.minSeverity ? { minSeverity: input.minSeverity } : {}),
      ...(config ? { configEncrypted: sealJson(deps.config.channelKey, config) } : {}),
    });
    await audit(tx, deps.config.auditKey, actor, {
      type: "channel.updated",
      entityType: "channel",
      entityId: updated.id,
      data: { name: updated.name, enabled: updated.enabled, settingsReplaced: !!input.config },
    });
    return updated;
  }).catch(nameTaken);
  return view(deps, row, (await lastAttempts(deps.db, [row.id])).get(row.id));
}

export async function deleteChannel(deps: ApiDeps, actor: Principal, id: string): Promise<void> {
  const row = await channelOr404(deps, id);
  await inTransaction(deps.db, deps.bus, async (tx) => {
    await deleteChannelRow(tx, id);
    await audit(tx, deps.config.auditKey, actor, {
      type: "channel.deleted",
      entityType: "channel",
      entityId: id,
      data: { name: row.name },
    });
  });
}

/**
 * "Send test": one synchronous attempt, logged like any other. For in-app channels the
 * caller gets the test notification (and its toast) on every open tab.
 */
export async function testChannel(deps: ApiDeps, actor: Principal, id: string): Promise<DeliveryAttempt> {
  const row = await channelOr404(deps, id);
  const a = testAnnouncement(row.name, deps.config.publicUrl);
  const key = `test.${Date.now()}.${row.id}`;
  const started = performance.now();
  let result;
  if (row.kind === "in_app") {
    // Test notifications use negative sequences: they are not audit events.
    const n = await insertNotification(deps.db, actor.user.id, {
      eventSeq: -Date.now(),
      type: a.event,
      severity: a.severity,
      title: a.title,
      link: pathOf(a),
    });
    if (n)
      await announceNotifications(deps, [{ id: String(n.id), userId: actor.user.id, eventSeq: Number(n.eventSeq) }]);
    result = { ok: true, status: null, excerpt: "a test notification was added to your list" };
  } else result = await sendToChannel(deps, row, a, key);
  const attempt = await recordAttempt(deps.db, {
    channelId: row.id,
    eventSeq: 0n,
    deliveryKey: key,
    attempt: 1,
    ok: result.ok,
    status: result.status,
    latencyMs: Math.round(performance.now() - started),
    excerpt: result.excerpt,
  });
  return toAttempt(attempt);
}

export async function channelAttempts(deps: ApiDeps, id: string, limit: number): Promise<DeliveryAttempt[]> {
  await channelOr404(deps, id);
  return (await listAttempts(deps.db, id, limit)).map(toAttempt);
}
