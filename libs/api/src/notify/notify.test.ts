import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Announcement } from "@stratavore/contracts";
import { catalogEntry } from "./catalog.ts";
import { channelTakes } from "./channel-filter.ts";
import { openJson, sealJson } from "./secret-box.ts";
import { routingKeyOf } from "./senders/routing-key.ts";
import { telegramText } from "./senders/telegram.ts";
import { verifyWebhookSignature, webhookSignature } from "./senders/webhook.ts";

const announcement = (over: Partial<Announcement> = {}): Announcement => ({
  seq: 7,
  event: "budget.exceeded",
  severity: "critical",
  title: "Budget daily reached its limit",
  url: "http://dash.example/budgets",
  project: { id: "2b0c1f7e-58b4-4f7e-9a43-2f3c2b1a0d9e", name: "webshop" },
  entity: { type: "budget", id: "b1" },
  occurredAt: "2026-11-30T12:00:00.000Z",
  data: {},
  ...over,
});

describe("secret box", () => {
  it("round-trips, and refuses another key or an altered text", () => {
    const sealed = sealJson("key-a", { botToken: "123:abc" });
    expect(sealed).not.toContain("123:abc");
    expect(openJson("key-a", sealed)).toEqual({ botToken: "123:abc" });
    expect(() => openJson("key-b", sealed)).toThrow();
    const parts = sealed.split(".");
    const body = parts[3] ?? "";
    parts[3] = `${body.startsWith("A") ? "B" : "A"}${body.slice(1)}`;
    expect(() => openJson("key-a", parts.join("."))).toThrow();
    // A fresh IV each time: the same settings never seal to the same text.
    expect(sealJson("key-a", { x: 1 })).not.toBe(sealJson("key-a", { x: 1 }));
  });
});

describe("webhook signature", () => {
  it("is HMAC-SHA256 over '<t>.<body>' as an independent computation gives it, within a replay window", () => {
    const body = JSON.stringify(announcement());
    const t = 1_800_000_000;
    const expected = createHmac("sha256", "whsec_test").update(`${t}.${body}`).digest("hex");
    expect(webhookSignature("whsec_test", t, body)).toBe(`t=${t},v1=${expected}`);
    const header = webhookSignature("whsec_test", t, body);
    expect(verifyWebhookSignature("whsec_test", header, body, t + 10)).toBe(true);
    expect(verifyWebhookSignature("whsec_test", header, body, t + 301)).toBe(false);
    expect(verifyWebhookSignature("whsec_test", header, `${body} `, t)).toBe(false);
    expect(verifyWebhookSignature("other", header, body, t)).toBe(false);
    expect(verifyWebhookSignature("whsec_test", undefined, body, t)).toBe(false);
  });
});

describe("channel filters and routing keys", () => {
  const all = { eventFilter: [], projectFilter: [], minSeverity: "info" };
  it("takes by type, project and minimum severity", () => {
    expect(channelTakes(all, announcement())).toBe(true);
    expect(channelTakes({ ...all, eventFilter: ["runner.failed"] }, announcement())).toBe(false);
    expect(channelTakes({ ...all, projectFilter: ["another"] }, announcement())).toBe(false);
    expect(channelTakes({ ...all, projectFilter: ["another"] }, announcement({ project: null }))).toBe(false);
    expect(channelTakes({ ...all, minSeverity: "critical" }, announcement({ severity: "warning" }))).toBe(false);
    expect(channelTakes({ ...all, minSeverity: "warning" }, announcement({ severity: "critical" }))).toBe(true);
  });

  it("routes as <entity>.<event>.<project>, '_' without a project, topic wildcards escaped", () => {
    expect(routingKeyOf(announcement())).toBe("budget.exceeded.webshop");
    expect(routingKeyOf(announcement({ project: null, event: "node.offline" }))).toBe("node.offline._");
    expect(routingKeyOf(announcement({ project: { id: "x", name: "a.b*c#d e" } }))).toBe("budget.exceeded.a_b_c_d_e");
  });
});

describe("catalog and Telegram text", () => {
  it("maps internal audit types to announced names with a severity and a title", () => {
    expect(catalogEntry("runner.terminated")?.event).toBe("runner.stopped");
    expect(catalogEntry("runner.restart_abandoned")).toMatchObject({
      event: "runner.crash_looping",
      severity: "critical",
    });
    expect(catalogEntry("node.disconnected")?.event).toBe("node.offline");
    expect(catalogEntry("project.updated")).toBeNull();
    expect(catalogEntry("budget.exceeded")!.title({ percent: 120, action: "pause" }, "daily")).toBe(
      "Budget daily reached its limit (120 %); action: pause",
    );
    // A dollar budget over usage with no price: its percentage is a lower bound.
    expect(catalogEntry("budget.warning")!.title({ percent: 85, lowerBound: true }, "daily")).toBe(
      "Budget daily passed its warning threshold (at least 85 %)",
    );
    expect(catalogEntry("runner.paused")!.title({ reason: "paused by budget 'd' (101 % of $1)" }, "w/1")).toBe(
      "Runner w/1 paused by budget 'd' (101 % of $1)",
    );
    const lockout = catalogEntry("auth.locked_out")!;
    const at = { scope: "address", address: "10.0.0.7" };
    expect(lockout.title({ ...at, email: "ann@x.io", known: true }, "")).toBe(
      "Sign-ins to ann@x.io from 10.0.0.7 locked after repeated failures (other addresses still sign in)",
    );
    expect(lockout.title({ ...at, email: "ceo@x.io", known: false }, "")).toBe(
      "Sign-ins to ceo@x.io (no such account) from 10.0.0.7 locked after repeated failures (other addresses still sign in)",
    );
    // Recorded before `known` existed: neither.
    expect(lockout.title({ email: "old@x.io" }, "")).toBe("Sign-ins to old@x.io locked after repeated failures");
  });

  it("escapes HTML in titles and links back to the dashboard", () => {
    const text = telegramText(announcement({ title: "<b>x</b> & y" }));
    expect(text).toContain("&lt;b&gt;x&lt;/b&gt; &amp; y");
    expect(text).toContain('<a href="http://dash.example/budgets">Open in Stratavore</a>');
    expect(text).toContain("Project: webshop");
  });
});
