import {
  importFinishedInput,
  importedSessionsInput,
  importedSessionsOutput,
  importLocalInput,
  okOutput,
  importLocalOutput,
  importLocalPreviewOutput,
  importLocalSourceOutput,
  repriceOutput,
  usageImportInput,
  usageImportOutput,
  usageQueryInput,
  usageQueryOutput,
  usageSummaryOutput,
} from "@stratavore/contracts";
import { existingSessionIds } from "@stratavore/db";
import { repriceLedger } from "../pricing/pricing-service.ts";
import { importHistory, recordImportFinished } from "./import-service.ts";
import { previewLocalImport } from "./import-preview.ts";
import { startLocalImport } from "./local-import-job.ts";
import { queryUsage, usageSummary } from "./usage-query.ts";
import { adminProcedure, operatorProcedure, protectedProcedure, router } from "../trpc/init.ts";

export const usageRouter = router({
  query: protectedProcedure
    .input(usageQueryInput)
    .output(usageQueryOutput)
    .query(({ ctx, input }) => queryUsage(ctx, input)),
  summary: protectedProcedure.output(usageSummaryOutput).query(({ ctx }) => usageSummary(ctx)),
  reprice: adminProcedure.output(repriceOutput).mutation(({ ctx }) => repriceLedger(ctx, ctx.principal)),
  importLocalSource: adminProcedure
    .output(importLocalSourceOutput)
    .query(({ ctx }) => ({ dir: ctx.config.claudeProjectsDir })),
  importLocalPreview: adminProcedure
    .input(importLocalInput)
    .output(importLocalPreviewOutput)
    .query(({ ctx, input }) => previewLocalImport(ctx, input.dir ?? ctx.config.claudeProjectsDir)),
  importLocal: adminProcedure
    .input(importLocalInput)
    .output(importLocalOutput)
    .mutation(({ ctx, input }) => startLocalImport(ctx, ctx.principal, input.dir ?? ctx.config.claudeProjectsDir)),
  import: operatorProcedure
    .input(usageImportInput)
    .output(usageImportOutput)
    .mutation(({ ctx, input }) => importHistory(ctx, ctx.principal, input, true)),
  importedSessions: operatorProcedure
    .input(importedSessionsInput)
    .output(importedSessionsOutput)
    .query(async ({ ctx, input }) => ({ sessionIds: await existingSessionIds(ctx.db, input.sessionIds) })),
  importFinished: operatorProcedure
    .input(importFinishedInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await recordImportFinished(ctx, ctx.principal, { ...input, source: "cli" });
      return { ok: true as const };
    }),
});
