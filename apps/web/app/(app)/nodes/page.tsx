import { EmptyState, PageHeader } from "@stratavore/ui";

export default function NodesPage() {
  return (
    <>
      <PageHeader title="Nodes" />
      <EmptyState title="No nodes connected">Nodes are the machines whose agents run Claude Code for Stratavore. No agent has joined this server yet.</EmptyState>
    </>
  );
}
