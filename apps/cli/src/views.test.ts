import { describe, expect, it } from "vitest";
import type { ApiClient } from "@stratavore/api-client";
import type { JoinToken, Runner } from "@stratavore/contracts";
import { runnerFixture } from "@stratavore/contracts/testing";
import { joinTokenStatus } from "./node-view.ts";
import { formatBytes, formatDuration, formatPercent, oneLine, table } from "./output.ts";
import { realtimeError, socketTarget } from "./realtime-client.ts";
import { hasEnded, resolveRunner, resolveRunnerId } from "./runner-ref.ts";
import { describeEnd, runnerDetail, runnerTable } from "./runner-view.ts";
import { inputChunks, splitAtDetach, tailLines } from "./terminal.ts";
import { costCheckText } from "./session-view.ts";

const baseRunner: Runner = runnerFixture({
  restartAttempts: 1,
  cpuPercent: 12.345,
  memoryBytes: 256 * 1024 * 1024,
  startedAt: new Date("2026-01-01T00:00:00Z"),
  createdAt: new Date("2026-01-01T00:00:00Z"),
  updatedAt: new Date("2026-01-01T00:00:00Z"),
});

describe("formatting", () => {
  it("formats bytes, percentages, durations and free text", () => {
    expect([
      formatBytes(null),
      formatBytes(512),
      formatBytes(1536),
      formatBytes(230.4 * 1024 ** 2),
      formatBytes(3 * 1024 ** 3),
    ]).toEqual(["-", "512 B", "1.5 KiB", "230.4 MiB", "3.0 GiB"]);
    expect([formatPercent(null), formatPercent(0), formatPercent(99.95)]).toEqual(["-", "0.0%", "100.0%"]);
    expect([
      formatDuration(-5),
      formatDuration(45_900),
      formatDuration(723_000),
      formatDuration(11_040_000),
      formatDuration(183_600_000),
    ]).toEqual(["0s", "45s", "12m 03s", "3h 04m", "2d 03h"]);
    expect(oneLine("a\n  b\tc")).toBe("a b c");
    expect(oneLine("x".repeat(100), 10)).toBe(`${"x".repeat(9)}…`);
  });

  it("renders a runner row with a short id, human units and its uptime", () => {
    const now = Date.parse("2026-01-01T01:02:03Z");
    expect(runnerTable([baseRunner], now).split("\n")[1]).toBe(
      "1a2b3c4d  web      box-1  running  -      4242  12.3%  256.0 MiB  1h 02m  1/3       -",
    );
    // What it is doing, once its agent has read its screen: the question when it waits.
    const waiting = { ...baseRunner, activity: "waiting" as const, activityLine: "Do you want to proceed?" };
    expect(runnerTable([waiting], now).split("\n")[1]).toContain(
      "running  waiting for you: Do you want to proceed?  4242",
    );
    expect(runnerTable([{ ...waiting, activity: "working" as const }], now).split("\n")[1]).toContain(
      "running  working  4242",
    );
    const ended = {
      ...baseRunner,
      status: "failed",
      pid: null,
      cpuPercent: null,
      memoryBytes: null,
      endReason: "exit code 1",
      endedAt: new Date(now),
    } as const;
    expect(runnerTable([ended], now).split("\n")[1]).toMatch(
      /^1a2b3c4d\s+web\s+box-1\s+failed\s+-\s+-\s+-\s+-\s+-\s+1\/3\s+exit code 1$/,
    );
    expect(describeEnd(ended)).toBe("failed (exit code 1)");
    expect(describeEnd({ ...baseRunner, status: "terminated", exitCode: 0 })).toBe("terminated (exit code 0)");
  });

  it("a runner's detail names the sessions its claude left, and only when there are some", () => {
    const a = "11111111-1111-4111-8111-111111111111";
    const b = "22222222-2222-4222-8222-222222222222";
    const moved = { ...baseRunner, sessionId: b, pastSessionIds: [a] };
    expect(runnerDetail(moved, []).split("\n")).toContainEqual(
      expect.stringMatching(new RegExp(`^Earlier sessions: +${a}$`)),
    );
    expect(runnerDetail(baseRunner, [])).not.toContain("Earlier sessions");
  });

  it("names join token states", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const t = {
      id: "x",
      expiresAt: new Date(now + 1000),
      usedAt: null,
      revokedAt: null,
      nodeName: null,
      createdAt: new Date(now),
    } satisfies JoinToken;
    expect(joinTokenStatus(t, now)).toBe("unused");
    expect(joinTokenStatus({ ...t, expiresAt: new Date(now) }, now)).toBe("expired");
    expect(joinTokenStatus({ ...t, usedAt: new Date(now) }, now)).toBe("used");
    expect(joinTokenStatus({ ...t, usedAt: new Date(now), revokedAt: new Date(now) }, now)).toBe("revoked");
  });
});

describe("terminal helpers", () => {
  it("keeps the last n lines", () => {
    expect(tailLines("a\nb\nc\n", 2)).toBe("b\nc\n");
    expect(tailLines("a\nb\nc", 2)).toBe("b\nc");
    expect(tailLines("a\nb\n", 5)).toBe("a\nb\n");
    expect(tailLines("a\nb\n", 0)).toBe("");
    expect(tailLines("", 3)).toBe("");
  });

  it("splits keystrokes at Ctrl-] and long input into bounded chunks", () => {
    expect(splitAtDetach(Buffer.from("ab\x1dcd"))).toEqual({ forward: Buffer.from("ab"), detach: true });
    expect(splitAtDetach(Buffer.from("abc"))).toEqual({ forward: Buffer.from("abc"), detach: false });
    const text = `${"x".repeat(15_999)}😀${"y".repeat(20_000)}`;
    const chunks = inputChunks(text);
    expect(chunks.join("")).toBe(text);
    expect(chunks[0]).toHaveLength(15_999); // the emoji's surrogate pair is not cut in two
    expect(chunks.every((c) => c.length <= 16_000)).toBe(true);
    expect(inputChunks("")).toEqual([]);
  });
});

describe("realtime client", () => {
  it("targets the default namespace, with a proxy prefix in the path", () => {
    expect(socketTarget("http://127.0.0.1:3000")).toEqual({ origin: "http://127.0.0.1:3000", path: "/socket.io" });
    expect(socketTarget("https://ops.example.com/stratavore")).toEqual({
      origin: "https://ops.example.com",
      path: "/stratavore/socket.io",
    });
  });

  it("maps connection errors to CLI codes", () => {
    expect(
      realtimeError(Object.assign(new Error("UNAUTHENTICATED"), { data: { code: "UNAUTHENTICATED" } })),
    ).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(realtimeError(Object.assign(new Error("INTERNAL"), { data: { code: "INTERNAL" } }))).toMatchObject({
      code: "INTERNAL",
    });
    expect(realtimeError(new Error("websocket error"))).toMatchObject({
      code: "UNREACHABLE",
      message: expect.stringMatching(/websocket error/),
    });
  });
});

describe("runner references", () => {
  const ids = [
    "1a2b3c4d-0000-4000-8000-000000000000",
    "1a2b3c4e-0000-4000-8000-000000000000",
    "99999999-0000-4000-8000-000000000000",
  ];
  const api = {
    runners: {
      // As the server answers runners.list({ idPrefix }).
      list: {
        query: async ({ idPrefix }: { idPrefix: string }) =>
          ids.filter((id) => id.startsWith(idPrefix)).map((id) => ({ ...baseRunner, id })),
      },
      get: { query: async ({ id }: { id: string }) => ({ ...baseRunner, id }) },
    },
  } as unknown as ApiClient;

  it("uses full ids as they are and resolves unique prefixes", async () => {
    expect(await resolveRunnerId(api, ids[0]!.toUpperCase())).toBe(ids[0]);
    expect((await resolveRunner(api, "999999")).id).toBe(ids[2]);
    expect(await resolveRunnerId(api, "1a2b3c4e")).toBe(ids[1]);
  });

  it("rejects short, ambiguous and unknown prefixes with distinct codes", async () => {
    await expect(resolveRunnerId(api, "1a2b")).rejects.toMatchObject({ code: "USAGE" });
    await expect(resolveRunnerId(api, "not-hex!")).rejects.toMatchObject({ code: "USAGE" });
    await expect(resolveRunnerId(api, "1a2b3c")).rejects.toMatchObject({
      code: "AMBIGUOUS",
      message: expect.stringMatching(/matches 2 runners/),
    });
    await expect(resolveRunnerId(api, "abcdef")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("matches the prefix itself when a server older than idPrefix lists its newest runners instead", async () => {
    const older = {
      runners: { list: { query: async () => ids.map((id) => ({ ...baseRunner, id })) } },
    } as unknown as ApiClient;
    expect(await resolveRunnerId(older, "999999")).toBe(ids[2]);
    await expect(resolveRunnerId(older, "abcdef")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("treats a failed runner with a pending restart as not ended", () => {
    expect(hasEnded({ ...baseRunner, status: "failed" })).toBe(true);
    expect(hasEnded({ ...baseRunner, status: "failed", nextRestartAt: new Date() })).toBe(false);
    expect(hasEnded({ ...baseRunner, status: "stopping" })).toBe(false);
  });
});

describe("cost check", () => {
  const check = {
    claudeUsd: 0.000188,
    oursUsd: 0.00047,
    differencePercent: 150,
    differs: false,
    stale: true,
    claudeMissedPrices: false,
    models: [
      {
        model: "claude-opus-5-5",
        claudeUsd: 0.000188,
        oursUsd: 0.00047,
        claudeTokens: 19,
        oursTokens: 38,
        estimated: true,
      },
    ],
  };
  it("claude's figure older than the latest responses is shown as such, with no verdict", () => {
    const text = costCheckText(check);
    expect(text).toContain("written before the latest responses");
    expect(text).not.toMatch(/agree|differs|150/);
  });
  it("a current figure more than 1 % apart names the model and both token counts", () => {
    const text = costCheckText({ ...check, stale: false, differs: true });
    expect(text).toContain("(+150.0 %)");
    expect(text).toContain("claude-opus-5-5: claude $0.0002, ours $0.0005 (our price is estimated); tokens 19 vs 38");
  });
});

describe("table", () => {
  it("keeps one row per line: a newline inside a cell cannot forge a row (a project path of '/tmp/x\\n/etc')", () => {
    const out = table(
      ["NAME", "PATH"],
      [
        ["nl", "/tmp/x\n/etc"],
        ["ok", "/srv/ok"],
      ],
    );
    expect(out.split("\n")).toEqual(["NAME  PATH", "nl    /tmp/x\u2424/etc", "ok    /srv/ok"]);
  });
});
