"use client";
import Link from "next/link";
import { Card, PageHeader } from "@stratavore/ui";
import { useMe } from "../../../src/require-auth";
import { AccountSecurityCard } from "../../../src/settings/account-security-card";
import { ImportHistoryCard } from "../../../src/settings/import-history-card";
import { ServerInstancesCard } from "../../../src/settings/server-instances-card";

export default function SettingsPage() {
  const me = useMe();
  return (
    <>
      <PageHeader title="Settings" />
      <div className="grid-2">
        <Card title="Your account">
          <dl className="details">
            <dt>Name</dt>
            <dd>{me.name}</dd>
            <dt>Email</dt>
            <dd>{me.email}</dd>
            <dt>Role</dt>
            <dd>{me.role}</dd>
          </dl>
        </Card>
        <AccountSecurityCard />
        <Card title="API tokens">
          <p className="muted">
            Tokens let the <code>stratavore</code> CLI and scripts act as you.
          </p>
          <Link className="btn btn-secondary" href="/settings/tokens">
            Manage API tokens
          </Link>{" "}
          <Link className="btn btn-secondary" href="/settings/api">
            REST API reference
          </Link>
        </Card>
        {me.role === "admin" ? (
          <Card title="Users">
            <p className="muted">Create users, change roles, disable accounts, reset passwords.</p>
            <Link className="btn btn-secondary" href="/settings/users">
              Manage users
            </Link>
          </Card>
        ) : null}
        <Card title="Pricing">
          <p className="muted">Model prices used to cost the ledger; admins override them and reprice.</p>
          <Link className="btn btn-secondary" href="/settings/pricing">
            Prices
          </Link>
        </Card>
        {me.role === "admin" ? (
          <Card title="Audit log">
            <p className="muted">Every change with who made it, and a check of its signature chain.</p>
            <Link className="btn btn-secondary" href="/settings/audit">
              Audit log
            </Link>
          </Card>
        ) : null}
        {me.role === "admin" ? (
          <Card title="Notifications and jobs">
            <p className="muted">
              Channels for announced events (in-app, webhooks, Telegram, RabbitMQ), and the delivery queue.
            </p>
            <Link className="btn btn-secondary" href="/settings/notifications">
              Notification channels
            </Link>{" "}
            <Link className="btn btn-secondary" href="/settings/jobs">
              Jobs
            </Link>
          </Card>
        ) : null}
        {me.role === "admin" ? <ImportHistoryCard /> : null}
        {me.role === "admin" ? <ServerInstancesCard /> : null}
      </div>
    </>
  );
}
