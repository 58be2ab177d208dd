import {
  userCreateInput,
  userListOutput,
  userResetPasswordInput,
  userSchema,
  userSetDisabledInput,
  userSetRoleInput,
} from "@stratavore/contracts";
import { createUser, listAllUsers, resetUserPassword, setUserDisabled, setUserRole } from "./users-service.ts";
import { adminProcedure, router } from "../trpc/init.ts";

export const usersRouter = router({
  list: adminProcedure.output(userListOutput).query(({ ctx }) => listAllUsers(ctx)),
  create: adminProcedure
    .input(userCreateInput)
    .output(userSchema)
    .mutation(({ ctx, input }) => createUser(ctx, ctx.principal, input)),
  setDisabled: adminProcedure
    .input(userSetDisabledInput)
    .output(userSchema)
    .mutation(({ ctx, input }) => setUserDisabled(ctx, ctx.principal, input.id, input.disabled)),
  setRole: adminProcedure
    .input(userSetRoleInput)
    .output(userSchema)
    .mutation(({ ctx, input }) => setUserRole(ctx, ctx.principal, input.id, input.role)),
  resetPassword: adminProcedure
    .input(userResetPasswordInput)
    .output(userSchema)
    .mutation(({ ctx, input }) => resetUserPassword(ctx, ctx.principal, input.id, input.password)),
});
