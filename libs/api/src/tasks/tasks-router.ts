import {
  poolHookOutput,
  poolRefInput,
  poolSchema,
  poolSetInput,
  taskAddInput,
  taskIdInput,
  taskListInput,
  taskListOutput,
  taskSchema,
} from "@stratavore/contracts";
import { operatorProcedure, protectedProcedure, router } from "../trpc/init.ts";
import { getPool, rotatePoolHook, setPool } from "./pools-service.ts";
import { addTask, cancelTask, getTask, listTasksFor } from "./tasks-service.ts";

export const tasksRouter = router({
  list: protectedProcedure
    .input(taskListInput)
    .output(taskListOutput)
    .query(({ ctx, input }) => listTasksFor(ctx, input)),
  get: protectedProcedure
    .input(taskIdInput)
    .output(taskSchema)
    .query(({ ctx, input }) => getTask(ctx, input.id)),
  add: operatorProcedure
    .input(taskAddInput)
    .output(taskSchema)
    .mutation(({ ctx, input }) => addTask(ctx, ctx.principal, input)),
  cancel: operatorProcedure
    .input(taskIdInput)
    .output(taskSchema)
    .mutation(({ ctx, input }) => cancelTask(ctx, ctx.principal, input.id)),
});

export const poolsRouter = router({
  get: protectedProcedure
    .input(poolRefInput)
    .output(poolSchema)
    .query(({ ctx, input }) => getPool(ctx, input.project)),
  set: operatorProcedure
    .input(poolSetInput)
    .output(poolSchema)
    .mutation(({ ctx, input }) => setPool(ctx, ctx.principal, input)),
  rotateHook: operatorProcedure
    .input(poolRefInput)
    .output(poolHookOutput)
    .mutation(({ ctx, input }) => rotatePoolHook(ctx, ctx.principal, input.project, ctx.config.publicUrl)),
});
