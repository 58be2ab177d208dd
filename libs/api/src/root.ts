import { apiTokensRouter } from "./routers/api-tokens-router.ts";
import { authRouter } from "./routers/auth-router.ts";
import { projectsRouter } from "./routers/projects-router.ts";
import { systemRouter } from "./routers/system-router.ts";
import { usersRouter } from "./routers/users-router.ts";
import { createCallerFactory, router } from "./trpc/init.ts";

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  users: usersRouter,
  apiTokens: apiTokensRouter,
  projects: projectsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
