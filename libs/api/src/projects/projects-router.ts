import {
  okOutput,
  projectChangesInput,
  projectChangesOutput,
  projectCreateInput,
  projectDetailSchema,
  projectFolderOutput,
  projectIdInput,
  projectListInput,
  projectListOutput,
  projectRefInput,
  projectSchema,
  projectUpdateInput,
} from "@stratavore/contracts";
import {
  createProject,
  deleteProject,
  editProject,
  getProjectDetail,
  projectFolder,
  listAllProjects,
  projectChangesSince,
  setProjectArchived,
} from "./projects-service.ts";
import { adminProcedure, operatorProcedure, protectedProcedure, router } from "../trpc/init.ts";

export const projectsRouter = router({
  list: protectedProcedure
    .input(projectListInput)
    .output(projectListOutput)
    .query(({ ctx, input }) => listAllProjects(ctx, input)),
  get: protectedProcedure
    .input(projectRefInput)
    .output(projectDetailSchema)
    .query(({ ctx, input }) => getProjectDetail(ctx, input.ref)),
  folder: protectedProcedure
    .input(projectRefInput)
    .output(projectFolderOutput)
    .query(({ ctx, input }) => projectFolder(ctx, input.ref)),
  changesSince: protectedProcedure
    .input(projectChangesInput)
    .output(projectChangesOutput)
    .query(({ ctx, input }) => projectChangesSince(ctx, input.afterSeq)),
  create: operatorProcedure
    .input(projectCreateInput)
    .output(projectSchema)
    .mutation(({ ctx, input }) => createProject(ctx, ctx.principal, input)),
  update: operatorProcedure
    .input(projectUpdateInput)
    .output(projectSchema)
    .mutation(({ ctx, input }) => editProject(ctx, ctx.principal, input)),
  archive: operatorProcedure
    .input(projectIdInput)
    .output(projectSchema)
    .mutation(({ ctx, input }) => setProjectArchived(ctx, ctx.principal, input.id, true)),
  unarchive: operatorProcedure
    .input(projectIdInput)
    .output(projectSchema)
    .mutation(({ ctx, input }) => setProjectArchived(ctx, ctx.principal, input.id, false)),
  delete: adminProcedure
    .input(projectIdInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await deleteProject(ctx, ctx.principal, input.id);
      return { ok: true as const };
    }),
});
