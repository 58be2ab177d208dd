"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import type { ReactNode } from "react";
import { AppShell, Badge } from "@stratavore/ui";
import { RealtimeProvider, useLiveState, type LiveState } from "../../src/realtime/realtime-provider";
import { RequireAuth, useMe } from "../../src/require-auth";
import { NotificationCenter } from "../../src/notifications/notification-center";
import { ThemeToggle } from "../../src/theme/theme-toggle";
import { KeyboardShortcuts, PaletteButton } from "../../src/shell/keyboard-shortcuts";

const NAV = [
  { href: "/", label: "Dashboard" },
  { href: "/projects", label: "Projects" },
  { href: "/runners", label: "Runners" },
  { href: "/sessions", label: "Sessions" },
  { href: "/usage", label: "Usage" },
  { href: "/budgets", label: "Budgets" },
  { href: "/nodes", label: "Nodes" },
  { href: "/settings", label: "Settings" },
];

const LIVE_LABELS: Record<LiveState, string> = {
  live: "● Live",
  connecting: "○ Connecting",
  stale: "◐ Catching up…",
  offline: "○ Offline",
};

function UserBox() {
  const me = useMe();
  const live = useLiveState();
  return (
    <div className="user-box">
      <div className="user-line">
        <span className="user-name" title={me.email}>
          {me.name}
        </span>
        <Badge>{me.role}</Badge>
      </div>
      <div className="user-line">
        <span className={`live live-${live}`} data-testid="live-state">
          {LIVE_LABELS[live]}
        </span>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => signOut({ callbackUrl: "/login" })}>
          Sign out
        </button>
      </div>
      <div className="user-line">
        <ThemeToggle />
      </div>
    </div>
  );
}

export default function AppLayout({ children }: { children: ReactNode }) {
  const path = usePathname();
  return (
    <RequireAuth>
      <RealtimeProvider>
        <AppShell nav={NAV} currentPath={path} Link={Link} user={<UserBox />} search={<PaletteButton />}>
          {children}
        </AppShell>
        <NotificationCenter />
        <KeyboardShortcuts />
      </RealtimeProvider>
    </RequireAuth>
  );
}
