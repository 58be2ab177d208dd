import {
  priceBookOutput,
  priceOverrideInput,
  priceOverrideOutput,
  priceOverrideRemoveInput,
} from "@stratavore/contracts";
import { adminProcedure, protectedProcedure, router } from "../trpc/init.ts";
import { priceBookView, removePriceOverride, setPriceOverride } from "./pricing-service.ts";

export const pricesRouter = router({
  list: protectedProcedure.output(priceBookOutput).query(({ ctx }) => priceBookView(ctx)),
  setOverride: adminProcedure
    .input(priceOverrideInput)
    .output(priceOverrideOutput)
    .mutation(({ ctx, input }) => setPriceOverride(ctx, ctx.principal, input)),
  removeOverride: adminProcedure
    .input(priceOverrideRemoveInput)
    .output(priceOverrideOutput)
    .mutation(({ ctx, input }) => removePriceOverride(ctx, ctx.principal, input.modelPattern)),
});
