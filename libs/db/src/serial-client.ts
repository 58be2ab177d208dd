import pg from "pg";

type Query = (...args: unknown[]) => unknown;

/**
 * A pg client that sends its promise-style queries one after another. Prisma's pg adapter
 * sends a transaction's independent reads at once (a nested include's children through
 * `Promise.all`) on the transaction's one connection; pg queues them, but warns on every
 * process that it will refuse to from pg@9 (prisma/orm#29468 and #29979, open at 7.10).
 * Callback-style calls and submittables (COPY streams) go straight through: they are ours,
 * already sequential, and a COPY must return its stream at once.
 */
export class SerialClient extends pg.Client {
  private tail: Promise<unknown> = Promise.resolve();

  override query(...args: unknown[]): never {
    const first = args[0] as { submit?: unknown } | undefined;
    const direct = (super.query as Query).bind(this);
    if (typeof args.at(-1) === "function" || typeof first?.submit === "function") return direct(...args) as never;
    const sent = this.tail.then(() => direct(...args));
    // The next query waits for this one to settle, success or not; the caller sees its outcome.
    this.tail = sent.catch(() => undefined);
    return sent as never;
  }
}
