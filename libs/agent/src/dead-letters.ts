import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { UsageBatchAck } from "@stratavore/contracts";
import type { AgentLog } from "./agent-options.ts";

/**
 * Refusals no retry can change: the runner is not here (NOT_FOUND), the item is malformed
 * (VALIDATION), the session is not this runner's (FORBIDDEN). Anything else is retried.
 */
const FINAL = new Set(["NOT_FOUND", "VALIDATION", "FORBIDDEN"]);

export interface DeadLetter {
  kind: "usage" | "transcript";
  runnerId: string;
  /** The server's refusal. */
  code: string;
  message: string;
  at: string;
  /** What was refused, whole, so nothing is lost: records or transcript entries. */
  items: unknown[];
}

/**
 * Batches the server refused for a reason no retry can change (VALIDATION, NOT_FOUND,
 * FORBIDDEN) are set aside here rather than blocking the queue behind them or vanishing:
 * appended to a JSON-lines file (0600) an operator can read, and counted — the count rides on
 * every heartbeat to the node's page.
 */
export class DeadLetters {
  private count = 0;

  constructor(
    private readonly path: string,
    private readonly log: AgentLog = () => {},
  ) {}

  async load(): Promise<void> {
    if (!existsSync(this.path)) return;
    this.count = (await readFile(this.path, "utf8")).split("\n").filter(Boolean).length;
  }

  get size(): number {
    return this.count;
  }

  async add(letter: DeadLetter): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await appendFile(this.path, `${JSON.stringify(letter)}\n`, { mode: 0o600 });
    this.count++;
  }

  /**
   * Sends a batch; true when it is done with (accepted, or refused for good and set aside),
   * false when it must be retried. A batch refused for good is sent again item by item, so one
   * bad record or line is set aside alone and its neighbours still count.
   */
  async deliver(
    kind: "usage" | "transcript",
    runnerId: string,
    items: unknown[],
    send: (items: unknown[]) => Promise<UsageBatchAck>,
  ): Promise<boolean> {
    const ack = await send(items);
    if (ack.ok) return true;
    if (!FINAL.has(ack.code)) return false;
    if (items.length === 1) {
      await this.setAside(kind, runnerId, ack, items);
      return true;
    }
    for (const item of items) if (!(await this.deliver(kind, runnerId, [item], send))) return false;
    return true;
  }

  private async setAside(
    kind: "usage" | "transcript",
    runnerId: string,
    ack: { code: string; message: string },
    items: unknown[],
  ): Promise<void> {
    await this.add({ kind, runnerId, code: ack.code, message: ack.message, at: new Date().toISOString(), items });
    this.log(
      "warn",
      kind === "usage"
        ? "usage records set aside: the server refused them for good"
        : "transcript lines set aside: the server refused them for good",
      { runnerId, code: ack.code, count: items.length, setAside: this.count },
    );
  }
}
