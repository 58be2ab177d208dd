"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ANNOUNCED_EVENTS, type AnnouncedEvent } from "@stratavore/contracts";
import { Button, Card, EmptyState, ErrorState, Field, LoadingState, PageHeader, Select } from "@stratavore/ui";
import { errorMessage } from "../../../src/hooks/use-error-message";
import { NotificationRow } from "../../../src/notifications/notification-center";
import { browserNotificationsOn, setBrowserNotifications } from "../../../src/notifications/browser-notifications";
import { useTRPC } from "../../../src/trpc";

const EVENTS = ANNOUNCED_EVENTS.filter((e) => e !== "channel.test");

function Preferences() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const prefs = useQuery(trpc.notifications.prefs.queryOptions());
  const save = useMutation(
    trpc.notifications.setPrefs.mutationOptions({
      onSuccess: (p) => qc.setQueryData(trpc.notifications.prefs.queryKey(), p),
    }),
  );
  const [browser, setBrowser] = useState(false);
  // Shown as ticked at once; the saved preferences replace it when the server answers.
  const [ticked, setTicked] = useState<AnnouncedEvent[] | null>(null);
  const toastEvents = ticked ?? prefs.data?.toastEvents ?? [];
  const tick = (e: AnnouncedEvent) => {
    const next = toastEvents.includes(e) ? toastEvents.filter((x) => x !== e) : [...toastEvents, e];
    setTicked(next);
    save.mutate({ toastEvents: next }, { onSettled: () => setTicked(null) });
  };
  useEffect(() => setBrowser(browserNotificationsOn()), []);
  return (
    <Card title="Preferences">
      <Field label="Pop-up toasts" htmlFor="toast-severity" hint="New notifications at or above this severity pop up.">
        <Select
          id="toast-severity"
          value={prefs.data?.toastSeverity ?? "warning"}
          onChange={(e) => save.mutate({ toastSeverity: e.target.value as "info" })}
        >
          <option value="info">Everything</option>
          <option value="warning">Warnings and critical</option>
          <option value="critical">Critical only</option>
          <option value="off">None</option>
        </Select>
      </Field>
      <fieldset className="fieldset">
        <legend>Toast only these events (none ticked: all)</legend>
        <div className="check-grid">
          {EVENTS.map((e) => (
            <label key={e} className="check">
              <input type="checkbox" checked={toastEvents.includes(e)} onChange={() => tick(e)} /> {e}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="check">
        <input
          type="checkbox"
          checked={browser}
          onChange={(e) => void setBrowserNotifications(e.target.checked).then(setBrowser)}
        />{" "}
        Browser notifications when this tab is in the background
      </label>
      {save.error ? <p className="form-error">{errorMessage(save.error).message}</p> : null}
    </Card>
  );
}

export default function NotificationsPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useInfiniteQuery(
    trpc.notifications.list.infiniteQueryOptions({ limit: 30 }, { getNextPageParam: (p) => p.nextBefore ?? undefined }),
  );
  const markAll = useMutation(
    trpc.notifications.markRead.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.notifications.list.pathKey() }),
    }),
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        title="Notifications"
        actions={
          <Button onClick={() => markAll.mutate({})} busy={markAll.isPending} disabled={!list.data?.pages[0]?.unread}>
            Mark all read
          </Button>
        }
      />
      <div className="grid-2">
        <Card title={`Latest${list.data ? ` (${list.data.pages[0]?.unread ?? 0} unread)` : ""}`}>
          {list.isPending ? (
            <LoadingState />
          ) : list.error ? (
            <ErrorState message={errorMessage(list.error).message} onRetry={() => void list.refetch()} />
          ) : items.length ? (
            <div className="notif-list">
              {items.map((n) => (
                <NotificationRow key={n.id} n={n} />
              ))}
              {list.hasNextPage ? (
                <Button onClick={() => void list.fetchNextPage()} busy={list.isFetchingNextPage}>
                  Load more
                </Button>
              ) : null}
            </div>
          ) : (
            <EmptyState title="No notifications yet">
              An admin chooses which events reach everyone&apos;s list in Settings → Notifications.
            </EmptyState>
          )}
        </Card>
        <Preferences />
      </div>
    </>
  );
}
