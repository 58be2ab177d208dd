import { describe, expect, it } from "vitest";
import { AppError, ERROR_CODES } from "@stratavore/contracts";
import { toAck } from "../nodes/agent-namespace.ts";
import { AgentRegistry, type AgentSocket } from "./agent-registry.ts";

const RUNNER = "11111111-1111-4111-8111-111111111111";

/** A connected agent socket whose answer to any command we choose (or that never answers). */
function agentAnswering(answer: unknown | "never"): AgentSocket {
  return {
    id: "s1",
    connected: true,
    disconnect: () => undefined,
    timeout: () => ({
      emitWithAck: async () => (answer === "never" ? Promise.reject(new Error("operation has timed out")) : answer),
    }),
  } as unknown as AgentSocket;
}

describe("the server side of the agent protocol", () => {
  it("passes answers in the contract through, typed", async () => {
    const reg = new AgentRegistry();
    reg.attach("n1", agentAnswering({ ok: true, pid: 4242 }));
    expect(
      await reg.launch(
        "n1",
        { runnerId: RUNNER, cwd: "/", spec: { mode: "new", sessionId: RUNNER }, cols: 80, rows: 24 },
        1000,
      ),
    ).toEqual({ ok: true, pid: 4242 });
    reg.attach("n2", agentAnswering({ ok: false, code: "ALLOWANCE_SPENT", message: "spent", budgetId: RUNNER }));
    expect(await reg.signal("n2", { runnerId: RUNNER, action: "resume" }, 1000)).toEqual({
      ok: false,
      code: "ALLOWANCE_SPENT",
      message: "spent",
      budgetId: RUNNER,
    });
  });

  it("turns an unknown code, a malformed answer, silence or no connection into the command's own failure", async () => {
    const reg = new AgentRegistry();
    reg.attach("odd", agentAnswering({ ok: false, code: "SOMETHING_NEW", message: "?" }));
    expect(
      await reg.launch(
        "odd",
        { runnerId: RUNNER, cwd: "/", spec: { mode: "new", sessionId: RUNNER }, cols: 80, rows: 24 },
        1000,
      ),
    ).toMatchObject({ ok: false, code: "UNREACHABLE", message: expect.stringContaining("outside the agent protocol") });
    reg.attach("junk", agentAnswering("yes"));
    expect(await reg.signal("junk", { runnerId: RUNNER, action: "pause" }, 1000)).toMatchObject({
      ok: false,
      code: "SIGNAL_FAILED",
    });
    reg.attach("mute", agentAnswering("never"));
    expect(await reg.logs("mute", RUNNER, 10, 1000)).toMatchObject({
      ok: false,
      code: "NO_LOG",
      message: expect.stringContaining("did not answer"),
    });
    expect(await reg.restore("absent", { sessionId: "s", cwd: "/", files: [] }, 1000)).toMatchObject({
      ok: false,
      code: "NODE_UNAVAILABLE",
      message: expect.stringContaining("not connected"),
    });
  });

  it("answers a failed batch with the AppError's code, or INTERNAL (logged, no internals)", () => {
    const logs: string[] = [];
    const deps = { log: (_l: string, msg: string) => void logs.push(msg) };
    expect(
      toAck(deps, new AppError("FORBIDDEN", "Not your session."), { nodeId: "n", what: "transcript batch" }),
    ).toEqual({ ok: false, code: "FORBIDDEN", message: "Not your session." });
    expect(
      toAck(deps, new Error('duplicate key value violates unique constraint "x"'), {
        nodeId: "n",
        what: "usage batch",
      }),
    ).toEqual({ ok: false, code: "INTERNAL", message: "Server error" });
    expect(logs).toEqual(["usage batch failed"]);
  });

  it("answers a batch that found no free database connection SERVER_BUSY, which the agent retries", () => {
    const logs: string[] = [];
    const deps = { log: (level: string, msg: string) => void logs.push(`${level}: ${msg}`) };
    // pg-pool's own words when its connectionTimeoutMillis passes with every connection in use.
    expect(
      toAck(deps, new Error("timeout exceeded when trying to connect"), { nodeId: "n", what: "transcript batch" }),
    ).toEqual({ ok: false, code: "SERVER_BUSY", message: ERROR_CODES.SERVER_BUSY.message });
    expect(logs).toEqual(["warn: transcript batch deferred: no database connection free"]);
  });
});
