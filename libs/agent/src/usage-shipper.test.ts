import { randomUUID } from "node:crypto";
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TranscriptBatch, UsageBatchAck } from "@stratavore/contracts";
import { transcriptPath } from "@stratavore/runner";
import { UsageShipper } from "./usage-shipper.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const line = (text: string) =>
  JSON.stringify({
    type: "user",
    uuid: randomUUID(),
    parentUuid: null,
    timestamp: "2026-11-30T10:00:00.000Z",
    message: { role: "user", content: text },
  });

async function transcript(configDir: string, cwd: string, sessionId: string, lines: string[]): Promise<void> {
  const path = transcriptPath(configDir, cwd, sessionId);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${lines.join("\n")}\n`);
}

describe("UsageShipper's archive", () => {
  it("keeps shipping other runners' lines while one runner's batches are refused, and sets a permanently refused batch aside", async () => {
    const base = await mkdtemp(join(tmpdir(), "stratavore-shipper-"));
    dirs.push(base);
    const configDir = join(base, "claude");
    const [stuck, healthy, refused] = [randomUUID(), randomUUID(), randomUUID()];
    const sessions = { [stuck]: randomUUID(), [healthy]: randomUUID(), [refused]: randomUUID() };
    for (const id of [stuck, healthy])
      await transcript(configDir, `/srv/${id}`, sessions[id]!, [line(`one ${id}`), line(`two ${id}`)]);
    await transcript(configDir, `/srv/${refused}`, sessions[refused]!, [
      line("fine"),
      line("BAD line"),
      line("fine too"),
    ]);

    const archived = new Map<string, number>();
    let stuckFails = true;
    const archive = async (batch: TranscriptBatch): Promise<UsageBatchAck> => {
      // The server is failing for one runner (a transient error: kept and retried) and refuses
      // any batch holding one bad line for good.
      if (batch.runnerId === stuck && stuckFails) return { ok: false, code: "INTERNAL", message: "server error" };
      if (batch.entries.some((e) => e.text.includes("BAD")))
        return { ok: false, code: "VALIDATION", message: "bad line" };
      archived.set(batch.runnerId, (archived.get(batch.runnerId) ?? 0) + batch.entries.length);
      return { ok: true, accepted: batch.entries.length };
    };
    const logs: string[] = [];
    const shipper = new UsageShipper({
      dataDir: join(base, "agent"),
      configDir,
      intervalMs: 60_000,
      send: async (b) => ({ ok: true, accepted: b.records.length }),
      archive,
      log: (level, msg) => logs.push(`${level}: ${msg}`),
    });
    await shipper.start();
    // The stuck runner is tracked first: a stop at its refusal would starve the others.
    for (const id of [stuck, healthy, refused]) shipper.track(id, `/srv/${id}`, sessions[id]!);
    await shipper.tick();
    expect(archived.get(healthy)).toBe(2);
    // The bad line alone is set aside, kept whole in the dead-letter file; its neighbours count.
    expect(archived.get(refused)).toBe(2);
    expect(archived.get(stuck)).toBeUndefined();
    expect(shipper.deadLetterCount).toBe(1);
    expect(logs).toContain("warn: transcript lines set aside: the server refused them for good");
    const letters = (await readFile(join(base, "agent", "dead-letters.jsonl"), "utf8")).trim().split("\n");
    expect(letters).toHaveLength(1);
    expect(letters[0]).toContain("BAD line");
    // The stuck runner's lines were kept, and go out once the server takes them.
    stuckFails = false;
    await shipper.tick();
    expect(archived.get(stuck)).toBe(2);
    await shipper.stop();
  });

  it("ships several runners' batches at once (at most 8 in flight), each runner's lines whole and in order", async () => {
    const base = await mkdtemp(join(tmpdir(), "stratavore-shipper-"));
    dirs.push(base);
    const configDir = join(base, "claude");
    const runners = Array.from({ length: 20 }, () => ({ id: randomUUID(), session: randomUUID() }));
    for (const r of runners)
      await transcript(
        configDir,
        `/srv/${r.id}`,
        r.session,
        Array.from({ length: 3 }, (_, i) => line(`${r.id} ${i}`)),
      );
    let inFlight = 0;
    let most = 0;
    const received = new Map<string, string[]>();
    const shipper = new UsageShipper({
      dataDir: join(base, "agent"),
      configDir,
      intervalMs: 60_000,
      send: async (b) => ({ ok: true, accepted: b.records.length }),
      // A server round trip of 20 ms: one at a time, 20 runners would take 400 ms.
      archive: async (b) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        received.set(b.runnerId, [...(received.get(b.runnerId) ?? []), ...b.entries.map((e) => e.text)]);
        return { ok: true, accepted: b.entries.length };
      },
      log: () => undefined,
    });
    await shipper.start();
    for (const r of runners) shipper.track(r.id, `/srv/${r.id}`, r.session);
    await shipper.tick();
    expect(most).toBe(8);
    for (const r of runners) expect(received.get(r.id)).toEqual([0, 1, 2].map((i) => `${r.id} ${i}`));
    expect(shipper.spooledCount).toBe(0);
    await shipper.stop();
  });

  it("ships from memory while its spool cannot be written (a full disk), says so once, and writes it whole when it can again", async () => {
    const base = await mkdtemp(join(tmpdir(), "stratavore-shipper-"));
    dirs.push(base);
    const configDir = join(base, "claude");
    const dataDir = join(base, "agent");
    const [runner, session] = [randomUUID(), randomUUID()];
    await transcript(configDir, "/srv/full", session, [line("one"), line("two")]);
    const archived: string[] = [];
    const logs: string[] = [];
    const shipper = new UsageShipper({
      dataDir,
      configDir,
      intervalMs: 60_000,
      send: async (b) => ({ ok: true, accepted: b.records.length }),
      archive: async (b) => {
        archived.push(...b.entries.map((e) => e.text));
        return { ok: true, accepted: b.entries.length };
      },
      log: (level, msg) => logs.push(`${level}: ${msg}`),
    });
    await shipper.start();
    // Every write to the spool now fails (its path is a directory: EISDIR, as ENOSPC would).
    const spool = join(dataDir, "spool.jsonl");
    await rm(spool);
    await mkdir(spool);
    shipper.track(runner, "/srv/full", session);
    await shipper.tick();
    await shipper.tick();
    expect(archived).toEqual(["one", "two"]);
    expect(logs.filter((l) => l.includes("writing the spool failed"))).toEqual([
      "warn: writing the spool failed; shipping continues from memory",
    ]);
    await rm(spool, { recursive: true });
    await shipper.tick();
    expect(logs).toContain("info: the spool is writable again");
    // Whole again: the tailer's offsets are there, so a restart reads nothing twice.
    expect(await readFile(spool, "utf8")).toContain(runner);
    await shipper.stop();
  });

  it("still archives a runner's lines of its previous session after it moves to a new one", async () => {
    const base = await mkdtemp(join(tmpdir(), "stratavore-shipper-"));
    dirs.push(base);
    const configDir = join(base, "claude");
    const [runner, first, second] = [randomUUID(), randomUUID(), randomUUID()];
    await transcript(configDir, "/srv/move", first, [line("first session")]);
    await transcript(configDir, "/srv/move", second, [line("second session")]);
    let refuse = true;
    const archived: string[] = [];
    const shipper = new UsageShipper({
      dataDir: join(base, "agent"),
      configDir,
      intervalMs: 60_000,
      send: async (b) => ({ ok: true, accepted: b.records.length }),
      archive: async (b) => {
        if (refuse) return { ok: false, code: "INTERNAL", message: "down" };
        archived.push(`${b.sessionId === first ? "first" : "second"}: ${b.entries.map((e) => e.text).join()}`);
        return { ok: true, accepted: b.entries.length };
      },
      log: () => {},
    });
    await shipper.start();
    shipper.track(runner, "/srv/move", first);
    await shipper.tick();
    shipper.track(runner, "/srv/move", second);
    refuse = false;
    await shipper.tick();
    expect(archived.sort()).toEqual(["first: first session", "second: second session"]);
    await shipper.stop();
  });

  it("on a move to another session (/clear), reads what the old transcript gained first, and holds the new session's usage and lines until released", async () => {
    const base = await mkdtemp(join(tmpdir(), "stratavore-shipper-"));
    dirs.push(base);
    const configDir = join(base, "claude");
    const [runner, first, second] = [randomUUID(), randomUUID(), randomUUID()];
    const reply = (id: string) =>
      JSON.stringify({
        type: "assistant",
        uuid: randomUUID(),
        parentUuid: null,
        timestamp: "2026-11-30T10:00:01.000Z",
        requestId: `req_${id}`,
        message: {
          id: `msg_${id}`,
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5",
          content: [{ type: "text", text: id }],
          usage: { input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        },
      });
    await transcript(configDir, "/srv/clear", first, [line("one"), reply("a")]);
    await transcript(configDir, "/srv/clear", second, [line("three"), reply("c")]);
    let holding = true;
    const archived: string[] = [];
    const sent: string[] = [];
    const shipper = new UsageShipper({
      dataDir: join(base, "agent"),
      configDir,
      intervalMs: 60_000,
      sessionState: (r, sessionId) => (r === runner && sessionId === second && holding ? "hold" : "ship"),
      send: async (b) => {
        sent.push(...b.records.map((r) => `${r.sessionId === first ? "first" : "second"}:${r.messageId}`));
        return { ok: true, accepted: b.records.length };
      },
      archive: async (b) => {
        archived.push(...b.entries.map((e) => `${b.sessionId === first ? "first" : "second"}:${e.text}`));
        return { ok: true, accepted: b.entries.length };
      },
      log: () => {},
    });
    await shipper.start();
    shipper.track(runner, "/srv/clear", first);
    await shipper.tick();
    expect(sent).toEqual(["first:msg_a"]);
    // Written before the move, not read yet: it must not be lost with the old tailer.
    await appendFile(transcriptPath(configDir, "/srv/clear", first), `${line("two")}\n${reply("b")}\n`);
    shipper.track(runner, "/srv/clear", second);
    await shipper.tick();
    expect(sent).toEqual(["first:msg_a", "first:msg_b"]);
    expect(archived.filter((a) => a.startsWith("second"))).toEqual([]);
    expect(shipper.spooledCount).toBeGreaterThan(0);
    holding = false;
    await shipper.tick();
    expect(sent).toEqual(["first:msg_a", "first:msg_b", "second:msg_c"]);
    expect(archived).toEqual(expect.arrayContaining(["first:one", "first:two", "second:three"]));
    await shipper.stop();

    // A session the server refused: its usage and lines are set aside, and what follows still goes.
    const [third, fourth] = [randomUUID(), randomUUID()];
    await transcript(configDir, "/srv/clear", third, [line("refused"), reply("d")]);
    await transcript(configDir, "/srv/clear", fourth, [line("four"), reply("e")]);
    const warned: string[] = [];
    const again = new UsageShipper({
      dataDir: join(base, "agent2"),
      configDir,
      intervalMs: 60_000,
      sessionState: (_, sessionId) => (sessionId === third ? "drop" : "ship"),
      send: async (b) => {
        sent.push(...b.records.map((r) => `${r.sessionId === fourth ? "fourth" : "other"}:${r.messageId}`));
        return { ok: true, accepted: b.records.length };
      },
      archive: async (b) => {
        archived.push(...b.entries.map((e) => `${b.sessionId === fourth ? "fourth" : "other"}:${e.text}`));
        return { ok: true, accepted: b.entries.length };
      },
      log: (_, msg) => warned.push(msg),
    });
    await again.start();
    again.track(runner, "/srv/clear", third);
    await again.tick();
    again.track(runner, "/srv/clear", fourth);
    await again.tick();
    expect(sent.slice(3)).toEqual(["fourth:msg_e"]);
    expect(archived.filter((a) => a.includes("refused"))).toEqual([]);
    expect(archived).toContain("fourth:four");
    expect(again.spooledCount).toBe(0);
    expect(warned.filter((m) => m.includes("set aside"))).toHaveLength(2);
    await again.stop();
  });

  it("reads a runner's last lines when it ends while a tick is shipping, instead of dropping it unread", async () => {
    const base = await mkdtemp(join(tmpdir(), "stratavore-shipper-"));
    dirs.push(base);
    const configDir = join(base, "claude");
    const [runner, session] = [randomUUID(), randomUUID()];
    const usageLine = (id: string) =>
      JSON.stringify({
        type: "assistant",
        uuid: randomUUID(),
        sessionId: session,
        timestamp: "2026-11-30T10:00:00.000Z",
        message: { id, model: "claude-sonnet-4-5", role: "assistant", usage: { input_tokens: 10, output_tokens: 5 } },
      });
    const path = transcriptPath(configDir, "/srv/end", session);
    await transcript(configDir, "/srv/end", session, [usageLine("msg_1")]);
    let release: () => void = () => {};
    const shipped: string[] = [];
    const shipper = new UsageShipper({
      dataDir: join(base, "agent"),
      configDir,
      intervalMs: 60_000,
      send: async (b) => {
        // The first batch is held: the runner writes its last line and ends meanwhile.
        if (!shipped.length) await new Promise<void>((r) => (release = r));
        shipped.push(...b.records.map((r) => r.messageId));
        return { ok: true, accepted: b.records.length };
      },
      archive: async (b) => ({ ok: true, accepted: b.entries.length }),
      log: () => {},
    });
    await shipper.start();
    shipper.track(runner, "/srv/end", session);
    const tick = shipper.tick();
    await new Promise((r) => setTimeout(r, 50));
    await writeFile(path, `${usageLine("msg_1")}\n${usageLine("msg_2")}\n`);
    shipper.finish(runner);
    release();
    await tick;
    await shipper.tick();
    expect(shipped).toEqual(["msg_1", "msg_2"]);
    await shipper.stop();
  });
});
