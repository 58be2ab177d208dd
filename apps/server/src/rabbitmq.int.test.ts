import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ANNOUNCED_EVENTS } from "@stratavore/contracts";
import { appendEvent, type AuditInput } from "@stratavore/db";
import { createScratchDatabase } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";
import { rabbitInstalled, startRabbit } from "./testing/rabbitmq-process.ts";

/**
 * RabbitMQ deliveries against a real broker (Debian's rabbitmq-server, started by the test):
 * topic exchange `stratavore`, routing keys `<entity>.<event>.<project>`, persistent messages
 * with publisher confirms — and every event type arriving once although the broker is stopped
 * and started again in the middle of the stream.
 */
const AUDIT_TYPE: Record<string, string> = {
  "runner.started": "runner.started",
  "runner.stopped": "runner.terminated",
  "runner.failed": "runner.failed",
  "runner.lost": "runner.lost",
  "runner.crash_looping": "runner.restart_abandoned",
  "runner.paused": "runner.paused",
  "runner.waiting": "runner.waiting",
  "runner.stalled": "runner.stalled",
  "runner.error_loop": "runner.error_loop",
  "budget.warning": "budget.warning",
  "budget.exceeded": "budget.exceeded",
  "budget.released": "budget.released",
  "node.offline": "node.offline",
  "node.online": "node.online",
  "node.revoked": "node.revoked",
  "import.finished": "import.finished",
  "auth.locked_out": "auth.locked_out",
  "audit.chain_broken": "audit.chain_broken",
};
const NAMES = ANNOUNCED_EVENTS.filter((e) => e !== "channel.test");

let h: FleetHarness;
let dir: string;
let broker: Awaited<ReturnType<typeof startRabbit>>;

beforeAll(async () => {
  if (!rabbitInstalled())
    throw new Error("rabbitmq-server is not installed: run `node scripts/bootstrap.mjs --test` (npm test does)");
  dir = await mkdtemp(join(tmpdir(), "stratavore-rabbit-"));
  broker = await startRabbit(dir);
  const url = await createScratchDatabase(inject("adminUrl"), "rabbit");
  // Retries every second or two for long enough to outlast the broker's restart.
  h = await FleetHarness.start(url, {}, { STRATAVORE_JOB_RETRY_DELAY_SECONDS: "1", STRATAVORE_JOB_RETRY_LIMIT: "30" });
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await broker?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function drain(url: string, queue: string): Promise<amqp.GetMessage[]> {
  const conn = await amqp.connect(url);
  const ch = await conn.createChannel();
  const got: amqp.GetMessage[] = [];
  for (let m = await ch.get(queue, { noAck: true }); m; m = await ch.get(queue, { noAck: true })) got.push(m);
  await conn.close();
  return got;
}

describe("RabbitMQ channel (real broker)", () => {
  it("publishes every event type once with <entity>.<event>.<project> keys, across a broker restart", async () => {
    const project = await h.api.projects.create({ name: "webshop", path: h.tmp });
    // The consumer's side: durable queues bound before anything is published.
    const setup = await amqp.connect(broker.url);
    const ch = await setup.createChannel();
    await ch.assertExchange("stratavore", "topic", { durable: true });
    await ch.assertQueue("all-events", { durable: true });
    await ch.bindQueue("all-events", "stratavore", "#");
    await ch.assertQueue("webshop-budgets", { durable: true });
    await ch.bindQueue("webshop-budgets", "stratavore", "budget.*.webshop");
    await setup.close();

    const channel = await h.api.channels.create({ name: "broker", config: { kind: "rabbitmq", url: broker.url } });
    expect(channel.channel.target).not.toContain("guest:guest");
    const { deps } = h.server;
    const emit = (type: string) =>
      deps.db.$transaction((tx) =>
        appendEvent(tx, deps.config.auditKey, {
          type,
          entityType: type.split(".")[0]!,
          entityId: crypto.randomUUID(),
          actorType: "system",
          projectId: project.id,
          data: { name: "daily", percent: 100 },
        } satisfies AuditInput),
      );
    const half = Math.ceil(NAMES.length / 2);
    for (const name of NAMES.slice(0, half)) await emit(AUDIT_TYPE[name]!);
    await waitFor(
      "the first half confirmed",
      async () => {
        const a = await h.api.channels.attempts({ id: channel.channel.id, limit: 200 });
        return a.filter((x) => x.ok).length >= half || null;
      },
      30_000,
    );

    // Mid-stream: the broker goes down; the rest is announced while it is down, and the
    // deliveries must actually meet the dead broker (failed attempts logged) before it returns.
    await broker.down();
    for (const name of NAMES.slice(half)) await emit(AUDIT_TYPE[name]!);
    const failedWhileDown = await waitFor(
      "deliveries to fail against the stopped broker",
      async () => {
        const a = await h.api.channels.attempts({ id: channel.channel.id, limit: 200 });
        return a.filter((x) => !x.ok).length || null;
      },
      30_000,
    );
    expect(failedWhileDown).toBeGreaterThan(0);
    await broker.up();
    const backAt = performance.now();
    await waitFor(
      "every delivery confirmed after the restart",
      async () => {
        const a = await h.api.channels.attempts({ id: channel.channel.id, limit: 200 });
        return new Set(a.filter((x) => x.ok).map((x) => x.deliveryKey)).size >= NAMES.length || null;
      },
      60_000,
    );
    const recoveredMs = Math.round(performance.now() - backAt);
    const attempts = await h.api.channels.attempts({ id: channel.channel.id, limit: 200 });
    const failed = attempts.filter((a) => !a.ok);
    // Each failure is logged with its error, and never with the broker's credentials.
    expect(failed.length).toBeGreaterThan(0);
    for (const a of failed) {
      expect(a.excerpt.length).toBeGreaterThan(0);
      expect(a.excerpt).not.toContain("guest:guest");
    }
    console.log(
      `RabbitMQ restart: ${attempts.length} attempts for ${NAMES.length} events, ${failed.length} failed while the broker was down; all confirmed ${recoveredMs} ms after it was back`,
    );

    const all = await drain(broker.url, "all-events");
    const byKey = new Map<string, string>();
    for (const m of all) {
      expect(m.properties.deliveryMode).toBe(2);
      expect(m.properties.contentType).toBe("application/json");
      const body = JSON.parse(m.content.toString()) as { event: string; project: { name: string } };
      expect(m.fields.routingKey).toBe(`${body.event}.webshop`);
      expect(body.project.name).toBe("webshop");
      byKey.set(String(m.properties.messageId), body.event);
    }
    // Each type once — by message id and in raw count (no duplicate even across the restart).
    expect(all.length).toBe(NAMES.length);
    expect([...byKey.values()].sort()).toEqual([...NAMES].sort());
    const budgets = await drain(broker.url, "webshop-budgets");
    expect(budgets.map((m) => m.fields.routingKey).sort()).toEqual([
      "budget.exceeded.webshop",
      "budget.released.webshop",
      "budget.warning.webshop",
    ]);
  }, 180_000);

  it("a refused exchange fails each attempt readably and leaves no connection open", async () => {
    const setup = await amqp.connect(broker.url);
    const ch = await setup.createChannel();
    await ch.assertExchange("direct-one", "direct", { durable: false });
    await setup.close();
    const before = await broker.connections();
    // The publisher's link from the first test is open and counted: the check below is not vacuous.
    expect(before).toBeGreaterThanOrEqual(1);
    const wrong = await h.api.channels.create({
      name: "wrong-type",
      config: { kind: "rabbitmq", url: broker.url, exchange: "direct-one" },
      enabled: false,
    });
    for (let i = 0; i < 3; i++) {
      const res = await h.api.channels.test({ id: wrong.channel.id });
      expect(res.ok).toBe(false);
      expect(res.excerpt).toMatch(/PRECONDITION_FAILED|inequivalent arg 'type'/);
    }
    await waitFor("refused connections closed", async () => (await broker.connections()) <= before || null, 10_000);
  }, 60_000);

  it("a wrong broker password is a logged failure without the password", async () => {
    const bad = await h.api.channels.create({
      name: "bad-broker",
      config: { kind: "rabbitmq", url: broker.url.replace("guest:guest", "guest:s3cret-wrong") },
      enabled: false,
    });
    const res = await h.api.channels.test({ id: bad.channel.id });
    expect(res.ok).toBe(false);
    expect(res.excerpt).not.toContain("s3cret-wrong");
    expect(res.excerpt.length).toBeGreaterThan(0);
  }, 30_000);
});
