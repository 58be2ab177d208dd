import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { io as connect } from "socket.io-client";
import { appendEvent } from "@stratavore/db";
import { createScratchDatabase, uniqueSlug } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";
import { startRedis } from "./testing/redis-process.ts";
import { signInCookie } from "./testing/sign-in.ts";
import { startWebhookReceiver } from "./testing/webhook-receiver.ts";

/**
 * Two server instances in one cluster on one database, without a load balancer, over each
 * transport (PostgreSQL's LISTEN/NOTIFY, Redis pub/sub): what one instance asks of an agent
 * held by the other gets there, in order; a login budget is one for both. (The whole thing
 * behind HAProxy, with a browser and a kill -9, is e2e/specs/cluster.spec.ts.)
 */
describe.each(["postgres", "redis"] as const)("a cluster of two instances over %s", (mode) => {
  let one: FleetHarness;
  let two: FleetHarness;
  let redis: Awaited<ReturnType<typeof startRedis>> | null = null;
  let tmp = "";
  const stopped = new Set<FleetHarness>();

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "stratavore-cluster-"));
    const url = await createScratchDatabase(inject("adminUrl"), "cluster");
    if (mode === "redis") redis = await startRedis(tmp);
    const env = {
      STRATAVORE_CLUSTER: mode,
      STRATAVORE_SECRET: "cluster-test-secret-cluster-test-secret-0123",
      STRATAVORE_ADMIN_EMAIL: "first@cluster.test",
      ...(redis ? { REDIS_URL: redis.url } : {}),
    };
    one = await FleetHarness.start(url, {}, env);
    two = await FleetHarness.start(url, {}, env);
  }, 60_000);

  afterAll(async () => {
    for (const h of [two, one]) if (h && !stopped.has(h)) await h.stop();
    await redis?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  const screenOn = (h: FleetHarness, id: string) =>
    h.server.deps.fleet.scrollback
      .since(id)
      .map((c) => c.data)
      .join("");

  it("launches through instance 1 onto an agent held by instance 2; keystrokes typed on instance 1 arrive in order", async () => {
    const node = uniqueSlug("n");
    await two.startAgent(node);
    await waitFor("instance 1 to see the node connected", async () =>
      (await one.api.nodes.list()).some((n) => n.name === node && n.connected),
    );
    // Both instances alive, one leads; instance 2 holds the agent (Settings → Server instances).
    const o = await one.api.system.instances();
    expect(o.mode).toBe(mode);
    expect(o.instances.map((i) => [i.id, i.alive, i.current, i.agents]).sort()).toEqual(
      [
        [one.server.deps.fleet.instanceId, true, true, 0],
        [two.server.deps.fleet.instanceId, true, false, 1],
      ].sort(),
    );
    expect(o.instances.filter((i) => i.leader)).toHaveLength(1);
    const p = await one.api.projects.create({ name: uniqueSlug("cl"), path: one.tmp });
    const r = await one.api.runners.launch({ project: p.name, node });
    expect(r.status).toBe("running");
    // Patient under a loaded machine (the whole suite on two cores); says what it saw if not.
    await waitFor("banner on instance 2", async () => screenOn(two, r.id).includes(r.sessionId!), 45_000).catch(
      async (err: unknown) => {
        const row = await one.api.runners.get({ id: r.id });
        throw new Error(
          `${String(err)}; runner ${row.status} pid ${row.pid}; screen on 2: ${JSON.stringify(screenOn(two, r.id).slice(0, 200))}; on 1: ${JSON.stringify(screenOn(one, r.id).slice(0, 200))}`,
        );
      },
    );
    expect(screenOn(one, r.id)).toBe("");
    // Read outside a socket (the CLI's logs, REST) through instance 1: it asks instance 2.
    expect((await one.api.runners.scrollback({ id: r.id })).chunks.map((c) => c.data).join("")).toContain(r.sessionId!);

    const { secret } = await one.api.apiTokens.create({ name: "typist", scopes: ["read", "write"] });
    const socket = connect(one.server.url, { path: "/socket.io", transports: ["websocket"], auth: { token: secret } });
    await new Promise((resolve) => socket.once("connect", () => resolve(null)));
    // The screen so far lives on instance 2; attaching on instance 1 gets it from there.
    const ack = (await socket.emitWithAck("runner:attach", { runnerId: r.id })) as { chunks: { data: string }[] };
    expect(ack.chunks.map((c) => c.data).join("")).toContain(r.sessionId!);
    // All at once: over PostgreSQL with a pool of four, such a burst arrived shuffled ("umpjs").
    const line = "the quick brown fox jumps over the lazy dog 0123456789";
    for (const ch of line) socket.emit("runner:input", { runnerId: r.id, data: ch });
    socket.emit("runner:input", { runnerId: r.id, data: "\r" });
    await waitFor("the echo of the whole line", async () => screenOn(two, r.id).includes(`echo: ${line}`));
    // A paste past PostgreSQL's 8,000-byte NOTIFY limit travels as an attachment the receiver
    // fetches; the keystrokes typed right after it must still land after it.
    const paste = "0123456789abcdef".repeat(600);
    socket.emit("runner:input", { runnerId: r.id, data: paste });
    for (const ch of "tail") socket.emit("runner:input", { runnerId: r.id, data: ch });
    socket.emit("runner:input", { runnerId: r.id, data: "\r" });
    // Waits for claude's whole echo: "tail" alone was already on screen in the typed line while
    // the 9,600-character echo was still arriving, and the check after it failed (twice in three
    // full runs). Out of order, the echo never matches and this times out.
    await waitFor("the echo of the paste, then the keystrokes", async () =>
      screenOn(two, r.id).includes(`echo: ${paste}tail`),
    );
    socket.disconnect();

    // Pause and stop, asked on instance 1, happen on instance 2's agent.
    expect((await one.api.runners.pause({ id: r.id })).status).toBe("paused");
    expect((await one.api.runners.unpause({ id: r.id })).status).toBe("running");
    await one.api.runners.stop({ id: r.id });
    await waitFor("terminated", async () => (await one.api.runners.get({ id: r.id })).status === "terminated");
  });

  it("revoking a node on instance 1 cuts off its agent on instance 2 at once", async () => {
    const node = uniqueSlug("n");
    const agent = await two.startAgent(node);
    await waitFor("instance 1 to see it", async () =>
      (await one.api.nodes.list()).some((n) => n.name === node && n.connected),
    );
    await one.api.nodes.revoke({ ref: node });
    // Its socket on instance 2 is closed; its credential no longer works, so it stays away.
    await waitFor(
      "instance 2 to drop it",
      async () => !two.server.deps.fleet.agents.isLocal((await two.api.nodes.get({ ref: node })).id),
    );
    await waitFor(
      "the agent to give up",
      async () => agent.child.exitCode !== null || agent.child.signalCode !== null,
      20_000,
    );
    expect((await two.api.nodes.get({ ref: node })).connected).toBe(false);
  });

  it("counts failed sign-ins once for both instances: the account locks after 8 failures split between them", async () => {
    const email = `locked-${uniqueSlug("u")}@cluster.test`;
    await one.api.users.create({ email, name: "Locked", role: "viewer", password: "right-password-123" });
    for (let i = 0; i < 8; i++) {
      const { cookie } = await signInCookie((i % 2 ? two : one).server.url, email, "wrong-password-123");
      expect(cookie).toBeNull();
    }
    // The right password is refused now on either instance: the ninth try never checks it.
    for (const h of [one, two])
      expect((await signInCookie(h.server.url, email, "right-password-123")).cookie).toBeNull();
  });

  it("two instances share one outbox and queue, yet each event reaches a webhook exactly once", async () => {
    let hookSecret = "";
    const hooks = await startWebhookReceiver(() => hookSecret);
    try {
      const ch = await one.api.channels.create({
        name: uniqueSlug("both"),
        config: { kind: "webhook", url: hooks.url },
        eventFilter: ["node.revoked"],
      });
      hookSecret = ch.webhookSecret!;
      // 60 announced changes, half written through each instance, both dispatchers and both
      // job workers awake and competing for them.
      const emitThrough = (h: FleetHarness) =>
        h.server.deps.db.$transaction((tx) =>
          appendEvent(tx, h.server.deps.config.auditKey, {
            type: "node.revoked",
            entityType: "node",
            entityId: crypto.randomUUID(),
            actorType: "system",
          }),
        );
      const delivered = async (h: FleetHarness) =>
        (await h.server.deps.metrics.deliveries.get()).values.reduce((n, v) => n + v.value, 0);
      const before = [await delivered(one), await delivered(two)];
      const seqs = await Promise.all(Array.from({ length: 60 }, (_, i) => emitThrough(i % 2 ? two : one)));
      await waitFor("60 deliveries", () => hooks.unique.size >= 60 || null, 60_000, 100);
      await new Promise((r) => setTimeout(r, 1500));
      expect(hooks.received.length).toBe(60);
      expect(hooks.received.every((r) => r.signatureValid)).toBe(true);
      expect([...hooks.unique.keys()].sort()).toEqual(seqs.map((e) => `${e.seq}.${ch.channel.id}`).sort());
      // Sent by the two instances' workers together (how they split it is pg-boss's affair).
      const sent = [(await delivered(one)) - before[0]!, (await delivered(two)) - before[1]!];
      console.log(`cluster deliveries: instance 1 sent ${sent[0]}, instance 2 sent ${sent[1]}`);
      expect(sent[0]! + sent[1]!).toBe(60);
      await one.api.channels.update({ id: ch.channel.id, enabled: false });
    } finally {
      await hooks.close();
    }
  });

  it("one instance leads (runs the reconciler); when it stops, the other takes over", async () => {
    const leaders = () => [one, two].filter((h) => h.server.deps.fleet.leadership?.isLeader);
    await waitFor("one leader", () => leaders().length === 1);
    const rows = await one.db.serverInstance.findMany({ orderBy: { startedAt: "asc" } });
    expect(rows.filter((r) => r.leader)).toHaveLength(1);
    const leader = leaders()[0]!;
    const other = leader === one ? two : one;
    stopped.add(leader);
    await leader.stop();
    await waitFor("the other instance to lead", () => other.server.deps.fleet.leadership?.isLeader === true, 10_000);
    // Its row says so, and the stopped instance's row is gone.
    await waitFor("the rows to agree", async () => {
      const now = await other.db.serverInstance.findMany();
      return now.length === 1 && now[0]!.id === other.server.deps.fleet.instanceId && now[0]!.leader;
    });
  });
});
