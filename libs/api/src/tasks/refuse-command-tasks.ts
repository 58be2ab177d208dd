import { webhookPromptRefusal } from "@stratavore/contracts";
import { moveTask } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { announcePool } from "./tasks-service.ts";

/**
 * The tasks that may be handed to claude. A webhook's task that would drive claude rather than
 * ask it (queued before the webhook refused such prompts) fails here instead, saying why: the
 * webhook's check is the rule, this is where it is kept for what was already queued.
 */
export async function typeableTasks<T extends { id: string; prompt: string; source: string }>(
  deps: ApiDeps,
  projectId: string,
  tasks: T[],
): Promise<T[]> {
  const ok: T[] = [];
  for (const task of tasks) {
    const refusal = task.source === "webhook" ? webhookPromptRefusal(task.prompt) : null;
    if (!refusal) {
      ok.push(task);
      continue;
    }
    const outcome = `refused: a webhook's prompt that ${refusal}`;
    await inTransaction(deps.db, deps.bus, async (tx, outbox) => {
      if (!(await moveTask(tx, task.id, ["queued"], { status: "failed", outcome, finishedAt: new Date() }))) return;
      const seq = await audit(tx, deps.config.auditKey, null, {
        type: "task.failed",
        entityType: "task",
        entityId: task.id,
        projectId,
        data: { outcome },
      });
      announcePool(outbox, seq, projectId);
    });
  }
  return ok;
}
