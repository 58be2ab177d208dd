import { healthOutput } from "@stratavore/contracts";
import { pingDb } from "@stratavore/db";
import { publicProcedure, router } from "../trpc/init.ts";

export const systemRouter = router({
  health: publicProcedure.output(healthOutput).query(async ({ ctx }) => {
    const database = await pingDb(ctx.db);
    return { ok: database, version: ctx.config.version, database };
  }),
});
