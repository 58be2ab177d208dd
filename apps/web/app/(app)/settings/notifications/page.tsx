"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, Card, EmptyState, ErrorState, LoadingState, PageHeader } from "@stratavore/ui";
import { errorMessage } from "../../../../src/hooks/use-error-message";
import { ChannelForm } from "../../../../src/notifications/channel-form";
import { ChannelsTable } from "../../../../src/notifications/channels-table";
import { useTRPC } from "../../../../src/trpc";

export default function NotificationChannelsPage() {
  const trpc = useTRPC();
  const channels = useQuery(trpc.channels.list.queryOptions());
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <>
      <nav className="crumbs">
        <Link href="/settings">Settings</Link> / <span>Notifications</span>
      </nav>
      <PageHeader
        title="Notifications"
        description="Where announced events go: everyone's bell, webhooks, Telegram, RabbitMQ. Deliveries retry with backoff; see Settings → Jobs."
      />
      {secret ? (
        <Alert tone="success">
          Webhook signing secret (shown once): <code data-testid="webhook-secret">{secret}</code>. Receivers check{" "}
          <code>X-Stratavore-Signature</code> with it.
        </Alert>
      ) : null}
      <Card title="Channels">
        {channels.isPending ? (
          <LoadingState />
        ) : channels.error ? (
          <ErrorState message={errorMessage(channels.error).message} onRetry={() => void channels.refetch()} />
        ) : channels.data.length ? (
          <ChannelsTable channels={channels.data} />
        ) : (
          <EmptyState title="No channels yet">Add one below; an in-app channel lights everyone&apos;s bell.</EmptyState>
        )}
      </Card>
      <Card title="Add a channel">
        <ChannelForm onCreated={setSecret} />
      </Card>
    </>
  );
}
