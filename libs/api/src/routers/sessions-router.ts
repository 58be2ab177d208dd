import { sessionEntriesInput, sessionEntriesOutput, sessionExportInput, sessionExportOutput, sessionIdInput, sessionListInput, sessionListOutput, sessionSchema, similarSessionsOutput } from "@stratavore/contracts";
import { browseSessions, exportSession, getSession, sessionEntries } from "../services/sessions-service.ts";
import { similarSessions } from "../services/similar-sessions.ts";
import { protectedProcedure, router } from "../trpc/init.ts";

export const sessionsRouter = router({
  list: protectedProcedure.input(sessionListInput).output(sessionListOutput).query(({ ctx, input }) => browseSessions(ctx, input)),
  get: protectedProcedure.input(sessionIdInput).output(sessionSchema).query(({ ctx, input }) => getSession(ctx, input.id)),
  entries: protectedProcedure.input(sessionEntriesInput).output(sessionEntriesOutput).query(({ ctx, input }) => sessionEntries(ctx, input.id, input.afterId, input.limit)),
  export: protectedProcedure.input(sessionExportInput).output(sessionExportOutput).query(({ ctx, input }) => exportSession(ctx, input.id, input.format)),
  similar: protectedProcedure.input(sessionIdInput).output(similarSessionsOutput).query(({ ctx, input }) => similarSessions(ctx, input.id)),
});
