import { initTRPC } from "@trpc/server";
import { AppError, roleAtLeast, type Role } from "@stratavore/contracts";
import type { Context } from "./context.ts";
import { checkInputHygiene } from "./input-hygiene.ts";
import { trpcTransformer } from "./input-transformer.ts";
import { toAppError, toTrpcError, type Issue } from "./translate-error.ts";

const t = initTRPC.context<Context>().create({
  transformer: trpcTransformer,
  errorFormatter({ shape, error }) {
    // Errors that never reached the middleware (routing, body parsing) are translated here.
    const app = toAppError(error);
    const issues = (app.details?.issues as Issue[] | undefined) ?? undefined;
    return {
      message: app.message,
      code: shape.code,
      data: {
        code: toTrpcError(app).code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode: app.code,
        ...(issues ? { issues } : {}),
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Translates once and logs internals once; no stack trace or SQL ever reaches a client. */
const errorMiddleware = t.middleware(async ({ ctx, next, path, type }) => {
  const timer = ctx.metrics.trpcDuration.startTimer({ procedure: path, type });
  const result = await next();
  timer({ outcome: result.ok ? "ok" : "error" });
  if (result.ok) return result;
  const app = toAppError(result.error);
  ctx.metrics.errors.inc({ code: app.code });
  if (app.code === "INTERNAL") {
    ctx.log("error", "procedure failed", { path, type, error: String(result.error.cause ?? result.error) });
  }
  throw toTrpcError(app);
});

/** Before any schema: no NUL, no prototype keys, bounded depth (input-hygiene.ts). */
const hygieneMiddleware = t.middleware(async ({ next, getRawInput }) => {
  checkInputHygiene(await getRawInput());
  return next();
});

export const publicProcedure = t.procedure.use(errorMiddleware).use(hygieneMiddleware);

export const protectedProcedure = publicProcedure.use(({ ctx, next, type }) => {
  if (!ctx.principal) throw new AppError("UNAUTHENTICATED");
  const needed = type === "mutation" ? "write" : "read";
  if (!ctx.principal.scopes.includes(needed))
    throw new AppError("TOKEN_SCOPE", `This API token lacks the '${needed}' scope.`);
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});

function requireRole(role: Role) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!roleAtLeast(ctx.principal.user.role, role)) throw new AppError("FORBIDDEN", `This needs the ${role} role.`);
    return next();
  });
}

export const operatorProcedure = requireRole("operator");
export const adminProcedure = requireRole("admin");
