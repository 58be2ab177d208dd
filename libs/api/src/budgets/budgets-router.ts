import {
  budgetCreateInput,
  budgetIdInput,
  budgetListOutput,
  budgetSchema,
  budgetUpdateInput,
  okOutput,
} from "@stratavore/contracts";
import { adminProcedure, protectedProcedure, router } from "../trpc/init.ts";
import { createBudget, deleteBudget, getBudget, listBudgets, updateBudget } from "./budgets-service.ts";

export const budgetsRouter = router({
  list: protectedProcedure.output(budgetListOutput).query(({ ctx }) => listBudgets(ctx)),
  get: protectedProcedure
    .input(budgetIdInput)
    .output(budgetSchema)
    .query(({ ctx, input }) => getBudget(ctx, input.id)),
  create: adminProcedure
    .input(budgetCreateInput)
    .output(budgetSchema)
    .mutation(({ ctx, input }) => createBudget(ctx, ctx.principal, input)),
  update: adminProcedure
    .input(budgetUpdateInput)
    .output(budgetSchema)
    .mutation(({ ctx, input }) => updateBudget(ctx, ctx.principal, input)),
  delete: adminProcedure
    .input(budgetIdInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await deleteBudget(ctx, ctx.principal, input.id);
      return { ok: true as const };
    }),
});
