import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy between an agent and the server that can break the network the ways a real one
 * breaks: `partition()` stops moving bytes both ways and leaves new connections hanging (as
 * dropped packets do: nothing is refused, nothing arrives; TCP's buffers and the peers' own
 * timeouts decide what happens), `heal()` lets them flow again, `delay(ms)` adds latency to
 * every chunk in both directions, order kept.
 */
export class FaultProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private readonly held = new Set<Socket>();
  private partitioned = false;
  private delayMs = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<FaultProxy> {
    let proxy: FaultProxy | null = null;
    const server = createServer((client) => proxy?.accept(client, target));
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    proxy = new FaultProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    client.on("error", () => {});
    if (this.partitioned) {
      // A connection attempt across a partition: it neither completes nor fails until it gives up.
      client.pause();
      this.held.add(client);
      client.once("close", () => this.held.delete(client));
      return;
    }
    const upstream = connect(target.port, target.host);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.once("close", end);
    upstream.once("close", end);
    this.forward(client, upstream);
    this.forward(upstream, client);
  }

  private forward(from: Socket, to: Socket): void {
    let queue = Promise.resolve();
    from.on("data", (chunk: Buffer) => {
      const ms = this.delayMs;
      if (!ms) return void to.write(chunk);
      queue = queue.then(() => new Promise<void>((r) => setTimeout(r, ms))).then(() => void to.write(chunk));
    });
  }

  partition(): void {
    this.partitioned = true;
    for (const [a, b] of this.pairs) {
      a.pause();
      b.pause();
    }
  }

  heal(): void {
    this.partitioned = false;
    for (const [a, b] of this.pairs) {
      a.resume();
      b.resume();
    }
    // Attempts made during the partition have long been given up by their clients.
    for (const s of this.held) s.destroy();
  }

  delay(ms: number): void {
    this.delayMs = ms;
  }

  async close(): Promise<void> {
    this.heal();
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }
}
