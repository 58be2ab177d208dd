import {
  channelCreateInput,
  channelCreatedSchema,
  channelSchema,
  channelUpdateInput,
  deliveryAttemptSchema,
  markReadInput,
  notificationListInput,
  notificationListOutput,
  notificationPrefsInput,
  notificationPrefsSchema,
  okOutput,
} from "@stratavore/contracts";
import { z } from "zod";
import { adminProcedure, protectedProcedure, router } from "../trpc/init.ts";
import {
  channelAttempts,
  createChannel,
  deleteChannel,
  listChannelViews,
  testChannel,
  updateChannel,
} from "./channels-service.ts";
import { markRead, myNotifications, setToastPreference, toastPreference } from "./notifications-service.ts";

const idInput = z.object({ id: z.uuid() });

/** Admin-managed delivery channels (Settings → Notifications). */
export const channelsRouter = router({
  list: adminProcedure.output(z.array(channelSchema)).query(({ ctx }) => listChannelViews(ctx)),
  create: adminProcedure
    .input(channelCreateInput)
    .output(channelCreatedSchema)
    .mutation(({ ctx, input }) => createChannel(ctx, ctx.principal, input)),
  update: adminProcedure
    .input(channelUpdateInput)
    .output(channelSchema)
    .mutation(({ ctx, input }) => updateChannel(ctx, ctx.principal, input)),
  delete: adminProcedure
    .input(idInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await deleteChannel(ctx, ctx.principal, input.id);
      return { ok: true as const };
    }),
  test: adminProcedure
    .input(idInput)
    .output(deliveryAttemptSchema)
    .mutation(({ ctx, input }) => testChannel(ctx, ctx.principal, input.id)),
  attempts: adminProcedure
    .input(idInput.extend({ limit: z.number().int().min(1).max(200).default(50) }))
    .output(z.array(deliveryAttemptSchema))
    .query(({ ctx, input }) => channelAttempts(ctx, input.id, input.limit)),
});

/** The caller's own in-app notifications (the bell). */
export const notificationsRouter = router({
  list: protectedProcedure
    .input(notificationListInput)
    .output(notificationListOutput)
    .query(({ ctx, input }) => myNotifications(ctx, ctx.principal, input)),
  markRead: protectedProcedure
    .input(markReadInput)
    .output(z.object({ unread: z.number().int() }))
    .mutation(({ ctx, input }) => markRead(ctx, ctx.principal, input.ids)),
  prefs: protectedProcedure.output(notificationPrefsSchema).query(({ ctx }) => toastPreference(ctx, ctx.principal)),
  setPrefs: protectedProcedure
    .input(notificationPrefsInput)
    .output(notificationPrefsSchema)
    .mutation(({ ctx, input }) => setToastPreference(ctx, ctx.principal, input)),
});
