import { whoamiOutput } from "@stratavore/contracts";
import { protectedProcedure, router } from "../trpc/init.ts";

export const authRouter = router({
  whoami: protectedProcedure.output(whoamiOutput).query(({ ctx }) => ({
    ...ctx.principal.user,
    via: ctx.principal.via,
    scopes: ctx.principal.scopes,
  })),
});
