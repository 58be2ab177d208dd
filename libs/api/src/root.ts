import { apiTokensRouter } from "./routers/api-tokens-router.ts";
import { authRouter } from "./routers/auth-router.ts";
import { joinTokensRouter, nodesRouter } from "./routers/nodes-router.ts";
import { projectsRouter } from "./routers/projects-router.ts";
import { runnersRouter } from "./routers/runners-router.ts";
import { sessionsRouter } from "./routers/sessions-router.ts";
import { budgetsRouter, pricesRouter, usageRouter } from "./routers/usage-router.ts";
import { systemRouter } from "./routers/system-router.ts";
import { usersRouter } from "./routers/users-router.ts";
import { createCallerFactory, router } from "./trpc/init.ts";

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  users: usersRouter,
  apiTokens: apiTokensRouter,
  projects: projectsRouter,
  runners: runnersRouter,
  nodes: nodesRouter,
  joinTokens: joinTokensRouter,
  usage: usageRouter,
  budgets: budgetsRouter,
  prices: pricesRouter,
  sessions: sessionsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
