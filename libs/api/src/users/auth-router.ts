import {
  changePasswordInput,
  changePasswordOutput,
  loginSessionListOutput,
  signOutEverywhereOutput,
  whoamiOutput,
} from "@stratavore/contracts";
import { protectedProcedure, router } from "../trpc/init.ts";
import { changeOwnPassword, ownLoginSessions, signOutEverywhere } from "./account-service.ts";

export const authRouter = router({
  whoami: protectedProcedure.output(whoamiOutput).query(({ ctx }) => ({
    ...ctx.principal.user,
    via: ctx.principal.via,
    scopes: ctx.principal.scopes,
  })),
  sessions: protectedProcedure.output(loginSessionListOutput).query(({ ctx }) => ownLoginSessions(ctx, ctx.principal)),
  changePassword: protectedProcedure
    .input(changePasswordInput)
    .output(changePasswordOutput)
    .mutation(({ ctx, input }) => changeOwnPassword(ctx, ctx.principal, input)),
  signOutEverywhere: protectedProcedure
    .output(signOutEverywhereOutput)
    .mutation(({ ctx }) => signOutEverywhere(ctx, ctx.principal)),
});
