import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { openRealtime } from "./realtime-client.ts";
import { expectFailure } from "./testing/cli-assertions.ts";
import { CliHarness, closedPort, type Issued } from "./testing/cli-harness.ts";

/**
 * Fleet commands that need no agent: this file's server never has one connected, so launches
 * meet NO_NODE_AVAILABLE. (runners.cli.test.ts covers the flows with a fake agent.)
 */
let h: CliHarness;
let operator: Issued;
let admin: Issued;

beforeAll(async () => {
  h = await CliHarness.start(workerDatabase(inject("databaseUrls")));
  [operator, admin] = await Promise.all([h.issue("operator"), h.issue("admin")]);
});

afterAll(async () => {
  await h?.stop();
});

const as = (who: Issued) => ({ env: { STRATAVORE_SERVER: h.server.url, STRATAVORE_TOKEN: who.token } });

describe("nodes and join tokens", () => {
  const cli = (args: string[], who: Issued = admin) => h.run(args, as(who));

  it("lists nodes as a JSON array", async () => {
    const r = await cli(["nodes", "--json"], operator);
    expect(r.code, r.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
    expect((await cli(["nodes", "list", "--json"], operator)).code).toBe(0);
  });

  it("creates a join token, prints the agent command once, lists and revokes it", async () => {
    const created = await cli(["join-token", "create", "--ttl", "30"]);
    expect(created.code, created.stderr).toBe(0);
    const secret = /Secret \(shown only now\): (svj_\S+)/.exec(created.stdout)?.[1];
    expect(secret).toMatch(/^svj_[\w-]{20,}$/);
    expect(created.stdout).toContain(`  STRATAVORE_JOIN_TOKEN=${secret} stratavore agent --server ${h.server.url}\n`);
    const id = /Created join token ([0-9a-f-]{36})/.exec(created.stdout)?.[1];

    const json = JSON.parse((await cli(["join-token", "create", "--json"])).stdout);
    expect(json.secret).toMatch(/^svj_/);
    expect(json.command).toBe(`STRATAVORE_JOIN_TOKEN=${json.secret} stratavore agent --server ${h.server.url}`);
    expect(json.token).toMatchObject({ usedAt: null, revokedAt: null });

    const listed = await cli(["join-token", "list", "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    const tokens = JSON.parse(listed.stdout) as {
      id: string;
      usedAt: string | null;
      revokedAt: string | null;
      expiresAt: string;
    }[];
    const mine = tokens.find((t) => t.id === id);
    expect(mine).toMatchObject({ usedAt: null, revokedAt: null });
    expect(Date.parse(mine!.expiresAt) - Date.now()).toBeGreaterThan(25 * 60_000);
    expect(listed.stdout).not.toContain(secret);
    expect((await cli(["join-token", "list"])).stdout).toMatch(new RegExp(`^${id}\\s+unused\\s`, "m"));

    const revoked = await cli(["join-token", "revoke", id!]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked join token ${id}`);
    expect((await cli(["join-token", "list"])).stdout).toMatch(new RegExp(`^${id}\\s+revoked\\s`, "m"));
    expectFailure(await cli(["join-token", "revoke", id!]), 5, "NOT_FOUND");
  });

  it("keeps join tokens and node management to admins (FORBIDDEN, exit 4)", async () => {
    expectFailure(await cli(["join-token", "create"], operator), 4, "FORBIDDEN");
    expectFailure(await cli(["join-token", "list"], operator), 4, "FORBIDDEN");
    expectFailure(await cli(["nodes", "drain", "some-node"], operator), 4, "FORBIDDEN");
  });

  it("reports unknown nodes and refuses to revoke without --yes off a terminal", async () => {
    const missing = uniqueSlug("cli-node-missing");
    expectFailure(await cli(["nodes", "drain", missing]), 5, "NOT_FOUND", new RegExp(missing));
    expectFailure(await cli(["nodes", "show", missing]), 5, "NOT_FOUND");
    expectFailure(await cli(["nodes", "revoke", missing]), 2, "USAGE", /--yes/);
    expectFailure(await cli(["nodes", "revoke", missing, "--yes"]), 5, "NOT_FOUND");
    expectFailure(await cli(["join-token", "create", "--ttl", "0"]), 2, "USAGE", /ttl/);
  });
});

describe("runners without an agent", () => {
  const cli = (args: string[], who: Issued = operator) => h.run(args, as(who));
  const unknownId = () => randomUUID();

  it("refuses to launch when no agent is connected (NO_NODE_AVAILABLE, exit 6) or the project is unknown (5)", async () => {
    const name = uniqueSlug("cli-launch");
    expect((await cli(["projects", "create", name, "--path", "/srv/launch"])).code).toBe(0);
    expectFailure(await cli(["launch", name, "--prompt", "hi"]), 6, "NO_NODE_AVAILABLE", /agent/);
    expectFailure(await cli(["launch", uniqueSlug("cli-nope")]), 5, "NOT_FOUND");
    expectFailure(await cli(["launch", name, "--node", uniqueSlug("cli-no-node")]), 5, "NOT_FOUND");
    expect((await cli(["projects", "archive", name])).code).toBe(0);
    expectFailure(await cli(["launch", name]), 6, "PROJECT_ARCHIVED");
    expectFailure(await cli(["launch", name], await h.issue("viewer")), 4, "FORBIDDEN");
  });

  it("checks launch options before calling the server", async () => {
    expectFailure(await cli(["launch", "p", "--fork"]), 2, "USAGE", /--fork needs/);
    expectFailure(
      await cli(["launch", "p", "--continue", "--resume", randomUUID()]),
      2,
      "USAGE",
      /cannot be used with/,
    );
    expectFailure(await cli(["launch", "p", "--resume", "not-a-uuid"]), 2, "VALIDATION", /resumeSessionId/);
  });

  it("lists runners as JSON arrays, with filters", async () => {
    for (const args of [[], ["--status", "active"], ["--status", "terminated", "--limit", "5"]]) {
      const r = await cli(["runners", ...args, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
    }
    expect((await cli(["runner", "list", "--json"])).code).toBe(0);
    expectFailure(await cli(["runners", "--status", "sleeping"]), 2, "USAGE", /sleeping/);
    expectFailure(await cli(["runners", "--project", uniqueSlug("cli-nope")]), 5, "NOT_FOUND");
  });

  it("answers NOT_FOUND (exit 5) for unknown runners in every runner command", async () => {
    expectFailure(await cli(["runner", "show", unknownId()]), 5, "NOT_FOUND");
    expectFailure(await cli(["runners", "show", unknownId(), "--json"]), 5, "NOT_FOUND");
    expectFailure(await cli(["stop", unknownId()]), 5, "NOT_FOUND");
    expectFailure(await cli(["kill", unknownId()]), 5, "NOT_FOUND");
    expectFailure(await cli(["pause", unknownId()]), 5, "NOT_FOUND");
    expectFailure(await cli(["logs", unknownId()]), 5, "NOT_FOUND");
    expectFailure(await cli(["logs", "-f", unknownId()]), 5, "NOT_FOUND");
    expectFailure(await cli(["attach", unknownId()]), 5, "NOT_FOUND");
    // A prefix that matches nothing is NOT_FOUND too; one too short to be safe is a usage error.
    expectFailure(await cli(["runner", "show", "fffff0"]), 5, "NOT_FOUND", /starts with 'fffff0'/);
    expectFailure(await cli(["stop", "abc"]), 2, "USAGE", /at least its first 6/);
  });
});

describe("realtime connection", () => {
  it("maps a refused handshake to UNAUTHENTICATED and a dead server to UNREACHABLE", async () => {
    await expect(openRealtime({ server: h.server.url, token: "svt_made-up" })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    await expect(
      openRealtime({ server: `http://127.0.0.1:${await closedPort()}`, token: operator.token }),
    ).rejects.toMatchObject({ code: "UNREACHABLE" });
    const socket = await openRealtime({ server: h.server.url, token: operator.token });
    expect(socket.connected).toBe(true);
    socket.disconnect();
  });
});
