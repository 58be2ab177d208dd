import { importLocalInput, importLocalOutput, priceBookOutput, priceOverrideInput, priceOverrideRemoveInput, repriceOutput, usageImportInput, usageImportOutput, budgetCreateInput, budgetIdInput, budgetListOutput, budgetSchema, budgetUpdateInput, okOutput, usageQueryInput, usageQueryOutput, usageSummaryOutput } from "@stratavore/contracts";
import { createBudget, deleteBudget, getBudget, listBudgets, updateBudget } from "../budgets/budgets-service.ts";
import { priceBookView, removePriceOverride, repriceLedger, setPriceOverride } from "../pricing/pricing-service.ts";
import { importHistory } from "../services/import-service.ts";
import { startLocalImport } from "../services/local-import-job.ts";
import { queryUsage, usageSummary } from "../services/usage-query.ts";
import { adminProcedure, operatorProcedure, protectedProcedure, router } from "../trpc/init.ts";

export const usageRouter = router({
  query: protectedProcedure.input(usageQueryInput).output(usageQueryOutput).query(({ ctx, input }) => queryUsage(ctx, input)),
  summary: protectedProcedure.output(usageSummaryOutput).query(({ ctx }) => usageSummary(ctx)),
  reprice: adminProcedure.output(repriceOutput).mutation(({ ctx }) => repriceLedger(ctx, ctx.principal)),
  importLocal: adminProcedure.input(importLocalInput).output(importLocalOutput).mutation(({ ctx, input }) => startLocalImport(ctx, ctx.principal, input.dir ?? ctx.config.claudeProjectsDir)),
  import: operatorProcedure.input(usageImportInput).output(usageImportOutput).mutation(({ ctx, input }) => importHistory(ctx, ctx.principal, input)),
});

export const budgetsRouter = router({
  list: protectedProcedure.output(budgetListOutput).query(({ ctx }) => listBudgets(ctx)),
  get: protectedProcedure.input(budgetIdInput).output(budgetSchema).query(({ ctx, input }) => getBudget(ctx, input.id)),
  create: adminProcedure.input(budgetCreateInput).output(budgetSchema).mutation(({ ctx, input }) => createBudget(ctx, ctx.principal, input)),
  update: adminProcedure.input(budgetUpdateInput).output(budgetSchema).mutation(({ ctx, input }) => updateBudget(ctx, ctx.principal, input)),
  delete: adminProcedure.input(budgetIdInput).output(okOutput).mutation(async ({ ctx, input }) => {
    await deleteBudget(ctx, ctx.principal, input.id);
    return { ok: true as const };
  }),
});

export const pricesRouter = router({
  list: protectedProcedure.output(priceBookOutput).query(({ ctx }) => priceBookView(ctx)),
  setOverride: adminProcedure.input(priceOverrideInput).output(priceBookOutput).mutation(({ ctx, input }) => setPriceOverride(ctx, ctx.principal, input)),
  removeOverride: adminProcedure.input(priceOverrideRemoveInput).output(priceBookOutput).mutation(({ ctx, input }) => removePriceOverride(ctx, ctx.principal, input.modelPattern)),
});
