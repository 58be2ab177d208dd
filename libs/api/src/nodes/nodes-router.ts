import {
  joinTokenCreateInput,
  joinTokenCreateOutput,
  joinTokenIdInput,
  joinTokenListOutput,
  nodeListOutput,
  nodeRefInput,
  nodeSchema,
  okOutput,
  runnerMoveListOutput,
  runnerRebalanceInput,
} from "@stratavore/contracts";
import { evacuateNode, rebalance } from "./rebalance-service.ts";
import { createJoinToken, listAllJoinTokens, revokeUnusedJoinToken } from "./join-tokens-service.ts";
import { getNode, listAllNodes, revokeNode, setDraining } from "./nodes-service.ts";
import { adminProcedure, protectedProcedure, router } from "../trpc/init.ts";

export const nodesRouter = router({
  list: protectedProcedure.output(nodeListOutput).query(({ ctx }) => listAllNodes(ctx)),
  get: protectedProcedure
    .input(nodeRefInput)
    .output(nodeSchema)
    .query(({ ctx, input }) => getNode(ctx, input.ref)),
  drain: adminProcedure
    .input(nodeRefInput)
    .output(nodeSchema)
    .mutation(({ ctx, input }) => setDraining(ctx, ctx.principal, input.ref, true)),
  /** Evens out the online nodes by moving runners (`dryRun`: only the plan). */
  rebalance: adminProcedure
    .input(runnerRebalanceInput)
    .output(runnerMoveListOutput)
    .mutation(({ ctx, input }) => rebalance(ctx, ctx.principal, input.dryRun)),
  /** Drain with migration: drained, and each of its runners resumed on another node. */
  evacuate: adminProcedure
    .input(nodeRefInput)
    .output(runnerMoveListOutput)
    .mutation(({ ctx, input }) => evacuateNode(ctx, ctx.principal, input.ref)),
  undrain: adminProcedure
    .input(nodeRefInput)
    .output(nodeSchema)
    .mutation(({ ctx, input }) => setDraining(ctx, ctx.principal, input.ref, false)),
  revoke: adminProcedure
    .input(nodeRefInput)
    .output(nodeSchema)
    .mutation(({ ctx, input }) => revokeNode(ctx, ctx.principal, input.ref)),
});

export const joinTokensRouter = router({
  list: adminProcedure.output(joinTokenListOutput).query(({ ctx }) => listAllJoinTokens(ctx)),
  create: adminProcedure
    .input(joinTokenCreateInput)
    .output(joinTokenCreateOutput)
    .mutation(({ ctx, input }) => createJoinToken(ctx, ctx.principal, input.ttlMinutes)),
  revoke: adminProcedure
    .input(joinTokenIdInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await revokeUnusedJoinToken(ctx, ctx.principal, input.id);
      return { ok: true as const };
    }),
});
