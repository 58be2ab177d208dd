"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { roleAtLeast, type Runner } from "@stratavore/contracts";
import { Button, Field, Modal, Select } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useMe } from "../require-auth";
import { useTRPC } from "../trpc";

/**
 * "Move": the runner's conversation stops here and resumes on another node with the same
 * flags (runners.move); the page follows it to the new runner.
 */
export function MoveRunnerButton({ runner }: { runner: Runner }) {
  const trpc = useTRPC();
  const router = useRouter();
  const me = useMe();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [node, setNode] = useState("");
  const nodes = useQuery({ ...trpc.nodes.list.queryOptions(), enabled: open });
  const move = useMutation(
    trpc.runners.move.mutationOptions({
      onSuccess: (moved) => {
        setOpen(false);
        router.push(`/runners/${moved.id}`);
      },
    }),
  );
  if (!roleAtLeast(me.role, "operator") || (runner.status !== "running" && runner.status !== "paused")) return null;
  const others = (nodes.data ?? []).filter((n) => n.id !== runner.nodeId && n.status === "online" && n.connected);
  // Known only once the list is in; until then the server decides (it refuses with a reason).
  const nowhere = nodes.isSuccess && others.length === 0;
  return (
    <>
      <Button onClick={() => setOpen(true)}>Move</Button>
      <Modal
        title="Move to another node"
        open={open}
        onClose={() => setOpen(false)}
        footer={
          <>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button
              variant="primary"
              busy={move.isPending}
              disabled={nowhere}
              onClick={() => move.mutate({ id: runner.id, node: node || undefined })}
            >
              Move
            </Button>
          </>
        }
      >
        <p>
          Claude stops here gracefully and resumes this conversation on the other node with the same model and flags;
          its transcript is restored there first.
        </p>
        <Field
          label="Node"
          htmlFor={`${id}-node`}
          hint={
            nowhere
              ? "No other node is online. Join another machine on the Nodes page to move runners there."
              : undefined
          }
        >
          <Select id={`${id}-node`} value={node} onChange={(e) => setNode(e.target.value)}>
            <option value="">The least loaded other node</option>
            {others.map((n) => (
              <option key={n.id} value={n.name}>
                {n.name} ({n.activeRunners}/{n.capacity})
              </option>
            ))}
          </Select>
        </Field>
        {move.error ? (
          <p className="alert alert-error" role="alert">
            {errorMessage(move.error).message}
          </p>
        ) : null}
      </Modal>
    </>
  );
}
