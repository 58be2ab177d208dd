import { clusterOverviewSchema, healthOutput } from "@stratavore/contracts";
import { pingDb } from "@stratavore/db";
import { adminProcedure, publicProcedure, router } from "../trpc/init.ts";
import { clusterOverview } from "../cluster/cluster-overview.ts";

export const systemRouter = router({
  health: publicProcedure.output(healthOutput).query(async ({ ctx }) => {
    const database = await pingDb(ctx.db);
    return { ok: database, version: ctx.config.version, database };
  }),
  /** Settings → Server instances and `stratavore admin instances`: who runs, who leads, who holds which agents. */
  instances: adminProcedure.output(clusterOverviewSchema).query(({ ctx }) => clusterOverview(ctx)),
});
