import { jobsOverviewSchema } from "@stratavore/contracts";
import { z } from "zod";
import { adminProcedure, router } from "../trpc/init.ts";
import { deadLetters, jobsOverview, retryDeadLetters } from "./notifications-service.ts";

const deadLetterSchema = z.object({
  id: z.string(),
  channelId: z.string(),
  eventSeq: z.number().int(),
  deliveryKey: z.string(),
  createdAt: z.date(),
});

/** Settings → Jobs and `stratavore jobs`. */
export const jobsRouter = router({
  overview: adminProcedure.output(jobsOverviewSchema).query(({ ctx }) => jobsOverview(ctx)),
  deadLetters: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100) }))
    .output(z.array(deadLetterSchema))
    .query(({ ctx, input }) => deadLetters(ctx, input.limit)),
  retryDeadLetters: adminProcedure
    .input(z.object({ ids: z.array(z.uuid()).max(500).optional() }))
    .output(z.object({ retried: z.number().int() }))
    .mutation(({ ctx, input }) => retryDeadLetters(ctx, input.ids)),
});
