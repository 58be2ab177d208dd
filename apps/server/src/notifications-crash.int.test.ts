import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { appendEvent, createDb, type Db } from "@stratavore/db";
import { createScratchDatabase, freePortForTests, uniqueEmail } from "@stratavore/db/testing";
import { localAdminCaller } from "./testing/local-caller.ts";
import { FilesystemStore } from "@stratavore/api";
import { waitFor } from "./testing/fleet-harness.ts";
import { hostPath } from "./testing/env.ts";
import { startWebhookReceiver } from "./testing/webhook-receiver.ts";

/**
 * Exactly once by idempotency key under a crash: the server process is killed -9 while a
 * delivery is in flight (the receiver has the request; the job was never acknowledged). After
 * a restart the job times out and is delivered again with the same key, which the receiver
 * drops: it acts once. Nothing is lost and nothing is acted on twice.
 */
const children: ChildProcess[] = [];
let tmp = "";
let db: Db | null = null;

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await db?.$disconnect();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function startServerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", resolve(import.meta.dirname, "testing/server-process.ts")],
    {
      env: env as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  await new Promise<void>((ok, fail) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && ok());
    child.once("exit", (code) => fail(new Error(`server exited ${code}`)));
  });
  return child;
}

describe("outbox and job queue under a crash", () => {
  it("kill -9 between send and acknowledgement: redelivered once, with the same idempotency key the receiver dedupes by", async () => {
    tmp = await mkdtemp(join(tmpdir(), "stratavore-crash-"));
    const url = await createScratchDatabase(inject("adminUrl"), "crash");
    const secret = randomBytes(32).toString("base64url");
    const env = {
      PATH: hostPath(),
      HOME: tmp,
      DATABASE_URL: url,
      PORT: String(await freePortForTests()),
      STRATAVORE_SECRET: secret,
      STRATAVORE_DATA_DIR: join(tmp, "data"),
      STRATAVORE_LOCAL_AGENT: "false",
      STRATAVORE_ADMIN_EMAIL: uniqueEmail("crash"),
      STRATAVORE_ADMIN_PASSWORD: "crash-admin-password",
      // A job whose worker died is taken again after 3 s; expiry is swept every second.
      STRATAVORE_JOB_TIMEOUT_SECONDS: "3",
      STRATAVORE_JOB_MAINTENANCE_SECONDS: "1",
      STRATAVORE_JOB_RETRY_DELAY_SECONDS: "1",
    };
    let hookSecret = "";
    // The first request is held open: the server has sent, the job is not yet acknowledged.
    const hooks = await startWebhookReceiver(
      () => hookSecret,
      (_hook, n) => (n === 1 ? "hold" : { status: 200, body: "ok" }),
    );
    try {
      let server = await startServerProcess(env);
      db = createDb({ connectionString: url, poolMax: 2 });
      const api = await localAdminCaller(db, secret, new FilesystemStore(join(tmp, "unused")), "crash");
      const channel = await api.channels.create({ name: "hook", config: { kind: "webhook", url: hooks.url } });
      hookSecret = channel.webhookSecret!;
      const auditKey = (await import("./secrets.ts")).deriveKey(secret, "audit");
      const event = await db.$transaction((tx) =>
        appendEvent(tx, auditKey, {
          type: "node.revoked",
          entityType: "node",
          entityId: crypto.randomUUID(),
          actorType: "system",
        }),
      );

      await waitFor("the first, held delivery", () => hooks.held.length === 1 || null, 20_000);
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGKILL");
      await exited;
      hooks.held[0]!.destroy();
      // Still in flight in the queue: not acknowledged, not lost.
      const active = await db.$queryRawUnsafe<{ name: string; state: string }[]>(
        `SELECT name, state::text FROM pgboss.job`,
      );
      expect(active).toEqual([{ name: "deliver", state: "active" }]);

      server = await startServerProcess(env);
      await waitFor("the redelivery", () => hooks.unique.size === 1 || null, 30_000);
      await new Promise((r) => setTimeout(r, 2000));
      const key = `${event.seq}.${channel.channel.id}`;
      expect(hooks.received.map((r) => r.deliveryKey)).toEqual([key, key]);
      expect(hooks.received.every((r) => r.signatureValid)).toBe(true);
      expect([...hooks.unique.keys()]).toEqual([key]);
      const states = await db.$queryRawUnsafe<{ name: string; state: string }[]>(
        `SELECT name, state::text FROM pgboss.job`,
      );
      expect(states).toEqual([{ name: "deliver", state: "completed" }]);
      const log = await api.channels.attempts({ id: channel.channel.id });
      // The killed attempt left no log row (it never finished); the redelivery did.
      expect(log.map((a) => [a.deliveryKey, a.ok])).toEqual([[key, true]]);
      console.log(
        `crash redelivery: ${hooks.received[1]!.at - hooks.received[0]!.at} ms after the first send, same key ${key}`,
      );
      server.kill("SIGTERM");
    } finally {
      await hooks.close();
    }
  }, 120_000);
});
