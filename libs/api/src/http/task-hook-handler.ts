import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, taskHookFields, webhookPromptRefusal } from "@stratavore/contracts";
import { findPoolByHook } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { addTask, hashHookSecret } from "../tasks/tasks-service.ts";
import { replyError, replyJson } from "./plain-reply.ts";
import { readJsonBody } from "./rest-handler.ts";

export const TASK_HOOK_PREFIX = "/hooks/tasks/";

/**
 * A project's task webhook: `POST /hooks/tasks/<secret>` with `{ "prompt", "priority"? }` queues a
 * task (flags, model and labels are for signed-in operators only), as CI systems and chat bots can call it without
 * an API token. The secret in the path is the credential (pools.rotateHook makes a new one;
 * only its hash is stored). An unknown secret is a plain 404.
 */
export function createTaskHookHandler(deps: ApiDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== "POST") {
        res.setHeader("allow", "POST");
        throw new AppError("METHOD_NOT_ALLOWED", "POST a task's JSON fields to this address.");
      }
      const secret = new URL(req.url ?? "/", "http://localhost").pathname.slice(TASK_HOOK_PREFIX.length);
      const pool = /^[A-Za-z0-9_-]{16,100}$/.test(secret)
        ? await findPoolByHook(deps.db, hashHookSecret(secret))
        : null;
      if (!pool) throw new AppError("NOT_FOUND", "No task webhook at this address.");
      const parsed = taskHookFields.strict().safeParse(await readJsonBody(req));
      if (!parsed.success)
        throw new AppError(
          "VALIDATION",
          "The body is not a task: a prompt, and optionally a priority (nothing else).",
          {
            issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
          },
        );
      const refusal = webhookPromptRefusal(parsed.data.prompt);
      if (refusal)
        throw new AppError("VALIDATION", `A task from a webhook may not be typed to claude: its prompt ${refusal}.`, {
          issues: [{ path: "prompt", message: refusal }],
        });
      const task = await addTask(deps, null, { ...parsed.data, project: pool.projectId, source: "webhook" });
      replyJson(res, 201, { id: task.id, project: task.projectName, status: task.status });
    } catch (err) {
      replyError(res, err, (msg, error) => deps.log("error", `task webhook: ${msg}`, { error }));
    }
  };
}
