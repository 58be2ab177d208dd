import { AppError, auditListInput, auditListOutput, chainVerifyResultSchema } from "@stratavore/contracts";
import { adminProcedure, router } from "../trpc/init.ts";
import { listAuditLog, verifyAuditChain } from "./audit-log-service.ts";

// One verification at a time per process: each reads the whole log.
let verifying = false;

/**
 * The audit log (Settings → Audit log, `stratavore events`): admins only — it names every
 * user by email, and what they did, which `users.list` keeps to admins too.
 */
export const auditRouter = router({
  list: adminProcedure
    .input(auditListInput)
    .output(auditListOutput)
    .query(({ ctx, input }) => listAuditLog(ctx, input)),
  verify: adminProcedure.output(chainVerifyResultSchema).mutation(async ({ ctx }) => {
    if (verifying) throw new AppError("CHAIN_VERIFY_RUNNING");
    verifying = true;
    try {
      return await verifyAuditChain(ctx, ctx.principal);
    } finally {
      verifying = false;
    }
  }),
});
