import { pluginListOutput } from "@stratavore/contracts";
import { adminProcedure, router } from "../trpc/init.ts";

export const pluginsRouter = router({
  /** Every configured plugin: loaded and enabled, or disabled with why. */
  list: adminProcedure.output(pluginListOutput).query(({ ctx }) => ctx.plugins?.list() ?? []),
});
