"use client";
import { useState, type ComponentType, type ReactNode } from "react";

export interface NavItem {
  href: string;
  label: string;
}

type LinkLike = ComponentType<{
  href: string;
  className?: string;
  children: ReactNode;
  onClick?: () => void;
  "aria-current"?: "page";
}>;

/**
 * Sidebar navigation on wide screens, a top bar with a menu toggle on phones.
 * The link component is injected so this library stays free of Next.js.
 */
export function AppShell({
  nav,
  currentPath,
  Link,
  user,
  search,
  children,
}: {
  nav: NavItem[];
  currentPath: string;
  Link: LinkLike;
  user: ReactNode;
  /** A control that opens search (the command palette): in the top bar on phones, atop the sidebar elsewhere. */
  search?: ReactNode;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const isActive = (href: string) =>
    href === "/" ? currentPath === "/" : currentPath === href || currentPath.startsWith(`${href}/`);
  return (
    <div className="shell">
      <header className="topbar">
        <button
          type="button"
          className="btn btn-ghost menu-toggle"
          aria-label="Menu"
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
        >
          ☰
        </button>
        <span className="brand">Stratavore</span>
        {search ? <span className="topbar-search">{search}</span> : null}
      </header>
      <aside className={`sidebar ${open ? "sidebar-open" : ""}`.trim()}>
        <div className="brand brand-side">Stratavore</div>
        {search ? <div className="sidebar-search">{search}</div> : null}
        <nav aria-label="Main">
          {nav.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              className={`nav-link ${isActive(item.href) ? "nav-active" : ""}`.trim()}
              aria-current={isActive(item.href) ? "page" : undefined}
              onClick={() => setOpen(false)}
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="sidebar-user">{user}</div>
      </aside>
      <main className="content">{children}</main>
    </div>
  );
}
