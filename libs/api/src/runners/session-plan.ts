import { randomUUID } from "node:crypto";
import { AppError, type RunnerLaunchInput } from "@stratavore/contracts";
import { latestProjectSession } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";

export type LaunchRequest = Omit<
  Required<RunnerLaunchInput>,
  "resumeSessionId" | "model" | "prompt" | "node" | "wait"
> &
  Pick<RunnerLaunchInput, "resumeSessionId" | "model" | "prompt" | "node" | "wait">;

export interface SessionPlan {
  /** The session the runner will write to, fixed before claude starts. */
  sessionId: string;
  /** A fork's parent. */
  parentId: string | null;
  spec: { mode: "new" | "resume"; sessionId: string; forkSessionId?: string };
}

/**
 * Every launch names its session before claude starts (DESIGN §2): new → a fresh id;
 * continue → the project's latest session, resolved here rather than by `claude -c`;
 * resume → that id; a fork → a fresh id branched from it with `--fork-session --session-id`.
 */
export async function planSession(
  deps: ApiDeps,
  projectId: string,
  projectName: string,
  input: LaunchRequest,
): Promise<SessionPlan> {
  if (input.mode === "new") {
    const id = randomUUID();
    return { sessionId: id, parentId: null, spec: { mode: "new", sessionId: id } };
  }
  const from = input.mode === "resume" ? input.resumeSessionId : await latestProjectSession(deps.db, projectId);
  if (!from)
    throw new AppError("NOT_FOUND", `Project '${projectName}' has no session to continue yet; launch a new one.`);
  if (input.fork) {
    const id = randomUUID();
    return { sessionId: id, parentId: from, spec: { mode: "resume", sessionId: from, forkSessionId: id } };
  }
  return { sessionId: from, parentId: null, spec: { mode: "resume", sessionId: from } };
}
