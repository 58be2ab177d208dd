"use client";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { NotificationItem, NotificationPrefs, Severity } from "@stratavore/contracts";
import { formatRelative } from "@stratavore/ui";
import { useRealtimeSocket } from "../realtime/realtime-provider";
import { useTRPC } from "../trpc";
import { browserNotificationsOn } from "./browser-notifications";
import { toastWanted } from "./toast-wanted";

const TOAST_MS = 8000;
const SEVERITY_ICON: Record<Severity, string> = { info: "ℹ", warning: "⚠", critical: "⛔" };

interface Toast {
  key: string;
  item: NotificationItem;
}

export function NotificationRow({ n, onOpen }: { n: NotificationItem; onOpen?: () => void }) {
  const body = (
    <>
      <span className={`sev sev-${n.severity}`} aria-label={n.severity}>
        {SEVERITY_ICON[n.severity]}
      </span>
      <span className="notif-title">{n.title}</span>
      <span className="muted notif-time">{formatRelative(n.createdAt)}</span>
    </>
  );
  return n.link ? (
    <Link href={n.link} className={`notif ${n.readAt ? "" : "notif-unread"}`.trim()} onClick={onOpen}>
      {body}
    </Link>
  ) : (
    <div className={`notif ${n.readAt ? "" : "notif-unread"}`.trim()}>{body}</div>
  );
}

/**
 * The bell (unread count, the latest notifications), and toasts for new ones the user chose
 * (a severity floor and, optionally, event types) — pushed over the tab's socket (`notification:new`), no reload.
 * Browser notifications too when the user turned them on and the tab is hidden.
 */
export function NotificationCenter() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const socket = useRealtimeSocket();
  const latest = useQuery(trpc.notifications.list.queryOptions({ limit: 10 }));
  type Latest = typeof latest.data;
  const prefs = useQuery(trpc.notifications.prefs.queryOptions());
  const [open, setOpen] = useState(false);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const wanted = useRef<NotificationPrefs>({ toastSeverity: "warning", toastEvents: [] });
  wanted.current = prefs.data ?? { toastSeverity: "warning", toastEvents: [] };
  const panel = useRef<HTMLDivElement>(null);

  const markAll = useMutation(
    trpc.notifications.markRead.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.notifications.list.pathKey() }),
    }),
  );

  useEffect(() => {
    if (!socket) return;
    const onNew = ({ notification, unread }: { notification: NotificationItem; unread: number }) => {
      qc.setQueryData(trpc.notifications.list.queryKey({ limit: 10 }), (old: Latest) =>
        old
          ? { ...old, unread, items: [notification, ...old.items.filter((i) => i.id !== notification.id)].slice(0, 10) }
          : old,
      );
      void qc.invalidateQueries({ queryKey: trpc.notifications.list.pathKey(), refetchType: "none" });
      if (toastWanted(wanted.current, notification)) {
        const key = `${notification.id}-${Date.now()}`;
        setToasts((t) => [...t.slice(-3), { key, item: notification }]);
        setTimeout(() => setToasts((t) => t.filter((x) => x.key !== key)), TOAST_MS);
        if (browserNotificationsOn() && document.hidden) new Notification(notification.title, { tag: notification.id });
      }
    };
    socket.on("notification:new", onNew);
    return () => void socket.off("notification:new", onNew);
  }, [socket, qc, trpc]);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !panel.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  const unread = latest.data?.unread ?? 0;
  return (
    <div className="notif-center" ref={panel}>
      <button
        type="button"
        className="btn btn-ghost bell"
        aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}
        aria-expanded={open}
        data-testid="bell"
        onClick={() => setOpen((o) => !o)}
      >
        {/* Drawn, not an emoji: a machine without a colour-emoji font showed an empty box. */}
        <svg aria-hidden width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {unread ? (
          <span className="bell-count" data-testid="bell-count">
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div className="notif-panel" role="dialog" aria-label="Notifications">
          <div className="notif-panel-head">
            <strong>Notifications</strong>
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              disabled={!unread || markAll.isPending}
              onClick={() => markAll.mutate({})}
            >
              Mark all read
            </button>
          </div>
          {latest.data?.items.length ? (
            latest.data.items.map((n) => <NotificationRow key={n.id} n={n} onOpen={() => setOpen(false)} />)
          ) : (
            <p className="muted notif-empty">Nothing yet. Channels are set up in Settings → Notifications.</p>
          )}
          <Link href="/notifications" className="notif-all" onClick={() => setOpen(false)}>
            All notifications and preferences
          </Link>
        </div>
      ) : null}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.key} className={`toast toast-${t.item.severity}`} data-testid="toast">
            <NotificationRow n={t.item} />
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              aria-label="Dismiss"
              onClick={() => setToasts((all) => all.filter((x) => x.key !== t.key))}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </div>
  );
}
