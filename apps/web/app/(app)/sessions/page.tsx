import { EmptyState, PageHeader } from "@stratavore/ui";

export default function SessionsPage() {
  return (
    <>
      <PageHeader title="Sessions" />
      <EmptyState title="No sessions recorded">Every Claude Code conversation a runner has, with its transcript, will be listed and searchable here.</EmptyState>
    </>
  );
}
