"use client";
import { useQuery } from "@tanstack/react-query";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@stratavore/ui";
import { errorMessage } from "../../../src/hooks/use-error-message";
import { JoinTokensCard } from "../../../src/nodes/join-tokens-card";
import { NodesTable } from "../../../src/nodes/nodes-table";
import { useMe } from "../../../src/require-auth";
import { useTRPC } from "../../../src/trpc";

export default function NodesPage() {
  const trpc = useTRPC();
  const me = useMe();
  const admin = me.role === "admin";
  const nodes = useQuery(trpc.nodes.list.queryOptions());

  return (
    <>
      <PageHeader title="Nodes" description="Machines whose agents run Claude Code for this server." />
      {nodes.isPending ? (
        <LoadingState />
      ) : nodes.isError ? (
        <ErrorState {...errorMessage(nodes.error)} onRetry={() => nodes.refetch()} />
      ) : nodes.data.length === 0 ? (
        <EmptyState title="No nodes connected">
          Nodes are the machines whose agents run Claude Code for Stratavore. No agent has joined this server yet.
          {admin
            ? " Create a join token below and run the command it shows on the machine."
            : " Ask an admin to add one."}
        </EmptyState>
      ) : (
        <NodesTable nodes={nodes.data} manage={admin} />
      )}
      {admin ? (
        <div className="section-gap">
          <JoinTokensCard />
        </div>
      ) : null}
    </>
  );
}
