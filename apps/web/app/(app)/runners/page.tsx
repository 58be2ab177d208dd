import { EmptyState, PageHeader } from "@stratavore/ui";

export default function RunnersPage() {
  return (
    <>
      <PageHeader title="Runners" />
      <EmptyState title="No runners yet">Runners are Claude Code sessions that Stratavore launches and supervises in your projects. None has been launched on this server yet.</EmptyState>
    </>
  );
}
