import {
  runnerCountInput,
  runnerCountOutput,
  runnerIdInput,
  runnerStopInput,
  runnerLaunchInput,
  runnerListInput,
  runnerMoveInput,
  runnerListOutput,
  runnerSchema,
  runnerScrollbackOutput,
  runnerTimelineOutput,
} from "@stratavore/contracts";
import { launchRunner } from "./launch-service.ts";
import { moveRunnerTo } from "./move-service.ts";
import { setPaused, stopRunner } from "./runner-lifecycle.ts";
import { countRunnersFor, getRunner, listRunnersFor, runnerScrollback, runnerTimeline } from "./runners-query.ts";
import { operatorProcedure, protectedProcedure, router } from "../trpc/init.ts";

export const runnersRouter = router({
  list: protectedProcedure
    .input(runnerListInput)
    .output(runnerListOutput)
    .query(({ ctx, input }) => listRunnersFor(ctx, input)),
  count: protectedProcedure
    .input(runnerCountInput)
    .output(runnerCountOutput)
    .query(({ ctx, input }) => countRunnersFor(ctx, input)),
  get: protectedProcedure
    .input(runnerIdInput)
    .output(runnerSchema)
    .query(({ ctx, input }) => getRunner(ctx, input.id)),
  timeline: protectedProcedure
    .input(runnerIdInput)
    .output(runnerTimelineOutput)
    .query(({ ctx, input }) => runnerTimeline(ctx, input.id)),
  scrollback: protectedProcedure
    .input(runnerIdInput)
    .output(runnerScrollbackOutput)
    .query(({ ctx, input }) => runnerScrollback(ctx, input.id)),
  launch: operatorProcedure
    .input(runnerLaunchInput)
    .output(runnerSchema)
    .mutation(({ ctx, input }) => launchRunner(ctx, ctx.principal, input)),
  stop: operatorProcedure
    .input(runnerStopInput)
    .output(runnerSchema)
    .mutation(({ ctx, input }) =>
      stopRunner(ctx, ctx.principal, input.id, "stop", undefined, { onlyRestart: input.onlyRestart ?? false }),
    ),
  kill: operatorProcedure
    .input(runnerIdInput)
    .output(runnerSchema)
    .mutation(({ ctx, input }) => stopRunner(ctx, ctx.principal, input.id, "kill")),
  pause: operatorProcedure
    .input(runnerIdInput)
    .output(runnerSchema)
    .mutation(({ ctx, input }) => setPaused(ctx, ctx.principal, input.id, true)),
  move: operatorProcedure
    .input(runnerMoveInput)
    .output(runnerSchema)
    .mutation(({ ctx, input }) => moveRunnerTo(ctx, ctx.principal, input.id, input.node)),
  unpause: operatorProcedure
    .input(runnerIdInput)
    .output(runnerSchema)
    .mutation(({ ctx, input }) => setPaused(ctx, ctx.principal, input.id, false)),
});
