import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { io as connect } from "socket.io-client";
import { createScratchDatabase, uniqueSlug } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";

/**
 * Two server instances in one cluster (PostgreSQL adapter) on one database, without a load
 * balancer: what one instance asks of an agent held by the other gets there, in order.
 * (e2e/specs/cluster.spec.ts runs the whole thing behind HAProxy with a browser and a kill -9.)
 */
let one: FleetHarness;
let two: FleetHarness;

beforeAll(async () => {
  const url = await createScratchDatabase(inject("adminUrl"), "cluster");
  const secret = "cluster-test-secret-cluster-test-secret-0123";
  const env = { STRATAVORE_CLUSTER: "postgres", STRATAVORE_SECRET: secret };
  one = await FleetHarness.start(url, {}, env);
  two = await FleetHarness.start(url, {}, env);
}, 60_000);

afterAll(async () => {
  await two?.stop();
  await one?.stop();
});

const screenOn = (h: FleetHarness, id: string) =>
  h.server.deps.fleet.scrollback
    .since(id)
    .map((c) => c.data)
    .join("");

describe("a cluster of two instances", () => {
  it("launches through instance 1 onto an agent held by instance 2; keystrokes typed on instance 1 arrive in order", async () => {
    const node = uniqueSlug("n");
    await two.startAgent(node);
    await waitFor("instance 1 to see the node connected", async () =>
      (await one.api.nodes.list()).some((n) => n.name === node && n.connected),
    );
    const p = await one.api.projects.create({ name: uniqueSlug("cl"), path: one.tmp });
    const r = await one.api.runners.launch({ project: p.name, node });
    expect(r.status).toBe("running");
    await waitFor("banner on instance 2", async () => screenOn(two, r.id).includes(r.sessionId!));

    const { secret } = await one.api.apiTokens.create({ name: "typist", scopes: ["read", "write"] });
    const socket = connect(one.server.url, { path: "/socket.io", transports: ["websocket"], auth: { token: secret } });
    await new Promise((resolve) => socket.once("connect", () => resolve(null)));
    // The screen so far lives on instance 2; attaching on instance 1 gets it from there.
    const ack = (await socket.emitWithAck("runner:attach", { runnerId: r.id })) as { chunks: { data: string }[] };
    expect(ack.chunks.map((c) => c.data).join("")).toContain(r.sessionId!);
    const line = "the quick brown fox jumps over the lazy dog 0123456789";
    for (const ch of line) socket.emit("runner:input", { runnerId: r.id, data: ch });
    socket.emit("runner:input", { runnerId: r.id, data: "\r" });
    await waitFor("the echo of the whole line", async () => screenOn(two, r.id).includes(`echo: ${line}`));
    socket.disconnect();

    // Pause and stop, asked on instance 1, happen on instance 2's agent.
    expect((await one.api.runners.pause({ id: r.id })).status).toBe("paused");
    expect((await one.api.runners.unpause({ id: r.id })).status).toBe("running");
    await one.api.runners.stop({ id: r.id });
    await waitFor("terminated", async () => (await one.api.runners.get({ id: r.id })).status === "terminated");
  });
});
