import {
  runnerSchema,
  sessionResumeInput,
  sessionTranscriptOutput,
  sessionEntriesInput,
  sessionEntriesOutput,
  sessionExportInput,
  sessionExportOutput,
  sessionIdInput,
  sessionListInput,
  sessionListOutput,
  sessionCostCheckOutput,
  sessionSchema,
  similarSessionsOutput,
} from "@stratavore/contracts";
import {
  browseSessions,
  exportSession,
  getSession,
  resumeSession,
  sessionEntries,
  storedTranscript,
} from "./sessions-service.ts";
import { similarSessions } from "./similar-sessions.ts";
import { sessionCostCheck } from "./cost-check.ts";
import { operatorProcedure, protectedProcedure, router } from "../trpc/init.ts";

export const sessionsRouter = router({
  list: protectedProcedure
    .input(sessionListInput)
    .output(sessionListOutput)
    .query(({ ctx, input }) => browseSessions(ctx, input)),
  get: protectedProcedure
    .input(sessionIdInput)
    .output(sessionSchema)
    .query(({ ctx, input }) => getSession(ctx, input.id)),
  entries: protectedProcedure
    .input(sessionEntriesInput)
    .output(sessionEntriesOutput)
    .query(({ ctx, input }) => sessionEntries(ctx, input.id, input.afterId, input.limit)),
  export: protectedProcedure
    .input(sessionExportInput)
    .output(sessionExportOutput)
    .query(({ ctx, input }) => exportSession(ctx, input.id, input.format, ctx.whenAnswered)),
  resume: operatorProcedure
    .input(sessionResumeInput)
    .output(runnerSchema)
    .mutation(({ ctx, input }) => resumeSession(ctx, ctx.principal, input)),
  transcript: protectedProcedure
    .input(sessionIdInput)
    .output(sessionTranscriptOutput)
    .query(({ ctx, input }) => storedTranscript(ctx, input.id)),
  costCheck: protectedProcedure
    .input(sessionIdInput)
    .output(sessionCostCheckOutput)
    .query(({ ctx, input }) => sessionCostCheck(ctx, input.id)),
  similar: protectedProcedure
    .input(sessionIdInput)
    .output(similarSessionsOutput)
    .query(({ ctx, input }) => similarSessions(ctx, input.id)),
});
