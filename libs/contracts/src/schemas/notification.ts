import { z } from "zod";
import { boundedDate } from "./common.ts";

export const SEVERITIES = ["info", "warning", "critical"] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/**
 * What gets announced (DESIGN §6b): `<entity>.<event>`. RabbitMQ routing keys add the
 * project: `<entity>.<event>.<project name>` (`_` when the event has no project).
 */
export const ANNOUNCED_EVENTS = [
  "runner.started",
  "runner.stopped",
  "runner.failed",
  "runner.lost",
  "runner.crash_looping",
  "runner.paused",
  /** A dialog on its screen waits for its user (a permission prompt, a question). */
  "runner.waiting",
  /** The watchdog found it working with no output and no transcript growth for the project's stall time. */
  "runner.stalled",
  /** The watchdog found repeated API errors (or rate limits) in its transcript. */
  "runner.error_loop",
  "budget.warning",
  "budget.exceeded",
  "budget.released",
  "node.offline",
  "node.online",
  "node.revoked",
  "import.finished",
  "auth.locked_out",
  "audit.chain_broken",
  "channel.test",
] as const;
export const announcedEventSchema = z.enum(ANNOUNCED_EVENTS);
export type AnnouncedEvent = z.infer<typeof announcedEventSchema>;

/** The JSON body every channel carries (webhook body, RabbitMQ message, in-app source). */
export const announcementSchema = z.object({
  /** The audit event's sequence (0 for a channel test). */
  seq: z.number().int(),
  event: announcedEventSchema,
  severity: severitySchema,
  title: z.string(),
  /** Absolute link to the dashboard page of the thing concerned. */
  url: z.string().nullable(),
  project: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  entity: z.object({ type: z.string(), id: z.string().nullable() }),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type Announcement = z.infer<typeof announcementSchema>;

export const CHANNEL_KINDS = ["in_app", "webhook", "telegram", "rabbitmq"] as const;
export const channelKindSchema = z.enum(CHANNEL_KINDS);
export type ChannelKind = z.infer<typeof channelKindSchema>;

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  // Credentials in the URL would reach error messages and the delivery log.
  .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), "must not contain a user name or password")
  .describe("an http(s) URL");

/** Channel settings as written by an admin; secrets are encrypted at rest and never read back. */
export const channelConfigSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("in_app") }),
  z.object({
    kind: z.literal("webhook"),
    url: httpUrl,
    /** Signs every delivery (HMAC-SHA256); generated when left out. */
    secret: z.string().min(16).max(200).optional(),
  }),
  z.object({
    kind: z.literal("telegram"),
    botToken: z.string().min(10).max(200),
    chatId: z.string().min(1).max(100),
    /** The Bot API root (default https://api.telegram.org); a local Bot API server works too. */
    apiRoot: httpUrl.optional(),
  }),
  z.object({
    kind: z.literal("rabbitmq"),
    url: z.url({ protocol: /^amqps?$/ }).max(2000),
    exchange: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/)
      .default("stratavore"),
  }),
]);
export type ChannelConfig = z.infer<typeof channelConfigSchema>;

const filterFields = {
  /** Announced event types; empty = all. */
  eventFilter: z.array(announcedEventSchema).max(ANNOUNCED_EVENTS.length).default([]),
  /** Project ids; empty = all projects and events without one. */
  projectFilter: z.array(z.uuid()).max(500).default([]),
  minSeverity: severitySchema.default("info"),
};

export const channelCreateInput = z.object({
  name: z.string().trim().min(1).max(100),
  config: channelConfigSchema,
  enabled: z.boolean().default(true),
  ...filterFields,
});
export const channelUpdateInput = z.object({
  id: z.uuid(),
  name: z.string().trim().min(1).max(100).optional(),
  /** Replaces the settings (secrets included) when given. */
  config: channelConfigSchema.optional(),
  enabled: z.boolean().optional(),
  eventFilter: filterFields.eventFilter.optional(),
  projectFilter: filterFields.projectFilter.optional(),
  minSeverity: severitySchema.optional(),
});

export type ChannelCreateInput = z.infer<typeof channelCreateInput>;
export type ChannelUpdateInput = z.infer<typeof channelUpdateInput>;
export type AuditListInput = z.infer<typeof auditListInput>;

export const deliveryAttemptSchema = z.object({
  id: z.string(),
  eventSeq: z.number().int(),
  deliveryKey: z.string(),
  attempt: z.number().int(),
  ok: z.boolean(),
  status: z.number().int().nullable(),
  latencyMs: z.number().int(),
  excerpt: z.string(),
  createdAt: z.date(),
});
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

export const channelSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: channelKindSchema,
  /** Where it delivers, without secrets ("https://hooks.example/…", "chat 42", "amqp://host/vhost"). */
  target: z.string(),
  enabled: z.boolean(),
  eventFilter: z.array(announcedEventSchema),
  projectFilter: z.array(z.uuid()),
  minSeverity: severitySchema,
  lastAttempt: deliveryAttemptSchema.nullable(),
  createdAt: z.date(),
});
export type Channel = z.infer<typeof channelSchema>;

/** Created webhooks show their signing secret once, like API tokens. */
export const channelCreatedSchema = z.object({ channel: channelSchema, webhookSecret: z.string().nullable() });

export const notificationSchema = z.object({
  id: z.string(),
  eventSeq: z.number().int(),
  type: announcedEventSchema,
  severity: severitySchema,
  title: z.string(),
  /** Dashboard path, e.g. /runners/<id>. */
  link: z.string().nullable(),
  readAt: z.date().nullable(),
  createdAt: z.date(),
});
export type NotificationItem = z.infer<typeof notificationSchema>;

export const notificationListInput = z.object({
  limit: z.number().int().min(1).max(100).default(30),
  /** Notifications older than this id (the previous page's `nextBefore`). */
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, "must be a notification id")
    .optional(),
  unreadOnly: z.boolean().default(false),
});
export const notificationListOutput = z.object({
  items: z.array(notificationSchema),
  unread: z.number().int(),
  nextBefore: z.string().nullable(),
});
export const markReadInput = z
  .object({
    /** Ids to mark read; absent = all. */
    ids: z
      .array(z.string().regex(/^\d{1,18}$/, "must be a notification id"))
      .max(200)
      .optional(),
  })
  .default({});
export const toastSeveritySchema = z.enum(["info", "warning", "critical", "off"]);
/** Toasts: new notifications at or above a severity, and of the ticked types only (none ticked: all). */
export const notificationPrefsSchema = z.object({
  toastSeverity: toastSeveritySchema,
  toastEvents: z.array(announcedEventSchema).max(50),
});
export type NotificationPrefs = z.infer<typeof notificationPrefsSchema>;
export const notificationPrefsInput = notificationPrefsSchema.partial();

export const queueStatsSchema = z.object({
  name: z.string(),
  waiting: z.number().int(),
  retrying: z.number().int(),
  active: z.number().int(),
  deadLetters: z.number().int(),
  oldestWaitingAt: z.date().nullable(),
});
export const jobsOverviewSchema = z.object({
  outbox: z.object({ depth: z.number().int(), oldestAt: z.date().nullable() }),
  queues: z.array(queueStatsSchema),
  /** Recurring jobs (cron, UTC): pg-boss runs each slot once across all instances. */
  schedules: z.array(z.object({ name: z.string(), cron: z.string() })),
  recentFailures: z.array(deliveryAttemptSchema.extend({ channelName: z.string() })),
});
export type JobsOverview = z.infer<typeof jobsOverviewSchema>;

export const auditEventSchema = z.object({
  seq: z.number().int(),
  type: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  /** The actor's email or node name, when known. */
  actorName: z.string().nullable(),
  projectId: z.string().nullable(),
  projectName: z.string().nullable(),
  data: z.unknown(),
  createdAt: z.date(),
});
export type AuditEventRow = z.infer<typeof auditEventSchema>;

export const auditListInput = z.object({
  /** Exact type ("runner.started") or a prefix ending in "." ("runner."). */
  type: z.string().max(100).optional(),
  /** An actor: user id, email, node name, or "system". */
  actor: z.string().max(200).optional(),
  entityType: z.string().max(50).optional(),
  entityId: z.string().max(200).optional(),
  /** A project id or name. */
  project: z.string().max(200).optional(),
  since: boundedDate.optional(),
  until: boundedDate.optional(),
  /** Pages backwards: events older than this seq (the previous page's `nextBeforeSeq`). */
  cursor: z.number().int().positive().optional(),
  afterSeq: z.number().int().nonnegative().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export const auditListOutput = z.object({
  items: z.array(auditEventSchema),
  nextBeforeSeq: z.number().int().nullable(),
});

export const chainVerifyProgressSchema = z.object({ checked: z.number().int(), lastSeq: z.number().int() });
export const chainVerifyResultSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBrokenSeq: z.number().int().nullable(),
  ms: z.number().int(),
});
export type ChainVerifyResult = z.infer<typeof chainVerifyResultSchema>;
