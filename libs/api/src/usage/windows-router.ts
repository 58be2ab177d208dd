import {
  okOutput,
  subscriptionWindowListOutput,
  subscriptionWindowSchema,
  windowAccountRefInput,
  windowAccountSetInput,
} from "@stratavore/contracts";
import { adminProcedure, protectedProcedure, router } from "../trpc/init.ts";
import { deleteWindowAccount, listWindows, setWindowAccount } from "./windows-service.ts";

export const windowsRouter = router({
  list: protectedProcedure.output(subscriptionWindowListOutput).query(({ ctx }) => listWindows(ctx)),
  set: adminProcedure
    .input(windowAccountSetInput)
    .output(subscriptionWindowSchema)
    .mutation(({ ctx, input }) => setWindowAccount(ctx, ctx.principal, input)),
  delete: adminProcedure
    .input(windowAccountRefInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await deleteWindowAccount(ctx, ctx.principal, input.name);
      return { ok: true as const };
    }),
});
