import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";

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

  constructor(private readonly path: string) {}

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
}
