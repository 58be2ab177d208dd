"use client";
import { runnerDoing, runnerTask, type Runner } from "@stratavore/contracts";
import { Badge, formatRelative } from "@stratavore/ui";

const TONE = { you: "amber", problem: "red" } as const;

/**
 * What a runner is doing, in words, with the question it asks or its latest line and how long
 * ago that changed — so a list alone tells which runner needs someone.
 */
export function RunnerDoingText({ runner, now }: { runner: Runner; now: number }) {
  const d = runnerDoing(runner);
  return (
    <div className="doing" data-testid="runner-doing" data-attention={d.attention ?? "none"}>
      <Badge tone={d.attention ? TONE[d.attention] : runner.activity === "working" ? "green" : "gray"}>{d.label}</Badge>
      {d.since ? <span className="muted small nowrap"> {formatRelative(d.since, now)}</span> : null}
      {d.detail ? (
        <div className="muted small ellipsis doing-line" title={d.detail} data-testid="runner-doing-line">
          {d.detail}
        </div>
      ) : null}
    </div>
  );
}

/** Its launch prompt or its session's title, one line, and the model it was launched with. */
export function RunnerTaskText({ runner }: { runner: Runner }) {
  const task = runnerTask(runner);
  return (
    <>
      {task ? (
        <div className="small ellipsis task-line" title={task} data-testid="runner-task">
          {task}
        </div>
      ) : null}
      {runner.model ? (
        <div className="muted small mono" data-testid="runner-model">
          {runner.model}
        </div>
      ) : null}
    </>
  );
}
