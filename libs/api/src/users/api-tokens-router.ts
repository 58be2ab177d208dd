import {
  apiTokenCreateInput,
  apiTokenCreateOutput,
  apiTokenListOutput,
  apiTokenRevokeInput,
  okOutput,
} from "@stratavore/contracts";
import { createApiToken, listOwnApiTokens, revokeOwnApiToken } from "./api-tokens-service.ts";
import { protectedProcedure, router } from "../trpc/init.ts";

export const apiTokensRouter = router({
  list: protectedProcedure.output(apiTokenListOutput).query(({ ctx }) => listOwnApiTokens(ctx, ctx.principal)),
  create: protectedProcedure
    .input(apiTokenCreateInput)
    .output(apiTokenCreateOutput)
    .mutation(({ ctx, input }) => createApiToken(ctx, ctx.principal, input)),
  revoke: protectedProcedure
    .input(apiTokenRevokeInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await revokeOwnApiToken(ctx, ctx.principal, input.id);
      return { ok: true as const };
    }),
});
