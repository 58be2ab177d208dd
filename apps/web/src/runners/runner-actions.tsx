"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { roleAtLeast, type Runner } from "@stratavore/contracts";
import { Button, ConfirmDialog } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useFleetCache } from "../realtime/realtime-provider";
import { useMe } from "../require-auth";
import { useTRPC } from "../trpc";

type Confirming = null | "stop" | "kill" | "cancelRestart";

/** Which controls make sense in each state (the server refuses the rest with INVALID_TRANSITION). */
function available({ status, nextRestartAt }: Pick<Runner, "status" | "nextRestartAt">) {
  return {
    // Failed and waiting for its restart (a backoff, a budget, a full node): stopping it means not restarting it.
    cancelRestart: status === "failed" && nextRestartAt !== null,
    pause: status === "running",
    unpause: status === "paused",
    // A lost runner may still run (and spend) on its node: it stays stoppable.
    stop: status === "starting" || status === "running" || status === "paused" || status === "lost",
    kill:
      status === "starting" ||
      status === "running" ||
      status === "paused" ||
      status === "stopping" ||
      status === "lost",
  };
}

/** Stop / Kill (each confirmed) and Pause / Unpause for operators; nothing for viewers. */
export function RunnerActions({ runner, size = "md" }: { runner: Runner; size?: "sm" | "md" }) {
  const trpc = useTRPC();
  const me = useMe();
  const { placeRunner } = useFleetCache();
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [error, setError] = useState<string | null>(null);
  const handlers = {
    onSuccess: (r: Runner) => {
      placeRunner(r);
      setConfirming(null);
      setError(null);
    },
    onError: (e: unknown) => setError(errorMessage(e).message),
  };
  const stop = useMutation(trpc.runners.stop.mutationOptions(handlers));
  const kill = useMutation(trpc.runners.kill.mutationOptions(handlers));
  const pause = useMutation(trpc.runners.pause.mutationOptions(handlers));
  const unpause = useMutation(trpc.runners.unpause.mutationOptions(handlers));

  if (!roleAtLeast(me.role, "operator")) return null;
  const can = available(runner);
  if (!Object.values(can).some(Boolean)) return null;
  const close = () => {
    setConfirming(null);
    setError(null);
  };
  const id = { id: runner.id };
  return (
    <div className="row-actions">
      {can.pause ? (
        <Button size={size} busy={pause.isPending} onClick={() => pause.mutate(id)}>
          Pause
        </Button>
      ) : null}
      {can.unpause ? (
        <Button size={size} busy={unpause.isPending} onClick={() => unpause.mutate(id)}>
          Unpause
        </Button>
      ) : null}
      {can.stop ? (
        <Button size={size} onClick={() => setConfirming("stop")}>
          Stop
        </Button>
      ) : null}
      {can.cancelRestart ? (
        <Button size={size} onClick={() => setConfirming("cancelRestart")}>
          Don't restart
        </Button>
      ) : null}
      {can.kill ? (
        <Button size={size} variant="danger" onClick={() => setConfirming("kill")}>
          Kill
        </Button>
      ) : null}
      {error && confirming === null ? (
        <span className="inline-error" role="alert">
          {error}
        </span>
      ) : null}

      <ConfirmDialog
        open={confirming === "stop"}
        title="Stop this runner?"
        confirmLabel="Stop"
        busy={stop.isPending}
        error={error}
        message="Claude gets SIGTERM and a grace period to clean up, then everything it started is killed. It will not be restarted."
        onConfirm={() => stop.mutate(id)}
        onClose={close}
      />
      {/* Closes by itself if the runner restarts meanwhile; and the server refuses to stop a run that began since. */}
      <ConfirmDialog
        open={confirming === "cancelRestart" && can.cancelRestart}
        title="Don't restart this runner?"
        confirmLabel="Don't restart"
        cancelLabel="Keep restart"
        busy={stop.isPending}
        error={error}
        message="It failed and waits to be restarted with its conversation. It will stay failed instead; you can still resume its session later."
        onConfirm={() => stop.mutate({ ...id, onlyRestart: true })}
        onClose={close}
      />
      <ConfirmDialog
        open={confirming === "kill"}
        danger
        title="Kill this runner?"
        confirmLabel="Kill now"
        busy={kill.isPending}
        error={error}
        message="Claude and every process it started are killed at once, with no chance to save work. Use Stop unless it is stuck."
        onConfirm={() => kill.mutate(id)}
        onClose={close}
      />
    </div>
  );
}
