import { apiTokensRouter } from "../users/api-tokens-router.ts";
import { authRouter } from "../users/auth-router.ts";
import { joinTokensRouter, nodesRouter } from "../nodes/nodes-router.ts";
import { projectsRouter } from "../projects/projects-router.ts";
import { runnersRouter } from "../runners/runners-router.ts";
import { sessionsRouter } from "../sessions/sessions-router.ts";
import { budgetsRouter } from "../budgets/budgets-router.ts";
import { pricesRouter } from "../pricing/prices-router.ts";
import { usageRouter } from "../usage/usage-router.ts";
import { systemRouter } from "../system/system-router.ts";
import { usersRouter } from "../users/users-router.ts";
import { auditRouter } from "../audit/audit-router.ts";
import { jobsRouter } from "../notify/jobs-router.ts";
import { channelsRouter, notificationsRouter } from "../notify/notify-router.ts";
import { poolsRouter, tasksRouter } from "../tasks/tasks-router.ts";
import { windowsRouter } from "../usage/windows-router.ts";
import { pluginsRouter } from "../plugins/plugins-router.ts";
import { createCallerFactory, router } from "../trpc/init.ts";

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
  channels: channelsRouter,
  notifications: notificationsRouter,
  jobs: jobsRouter,
  audit: auditRouter,
  tasks: tasksRouter,
  pools: poolsRouter,
  windows: windowsRouter,
  plugins: pluginsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
