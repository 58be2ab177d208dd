import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { parseSessionFiles, type ParsedSession } from "./scan-history.ts";

/** Marks a worker started to parse (the script may be a whole program that checks for it). */
const PARSE_WORKER = "stratavore-parse-worker";

interface ParseRequest {
  id: number;
  files: readonly string[];
  sessionId: string;
  from: readonly number[];
}
type ParseReply = { id: number; result: ParsedSession } | { id: number; error: string };

/** True in a worker thread a ParsePool started: the script should call serveParseRequests() and do nothing else. */
export function isParseWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === PARSE_WORKER;
}

/** The worker's side: parses each session it is sent, one at a time, until the pool closes. */
export function serveParseRequests(): void {
  const port = parentPort;
  if (!port) throw new Error("serveParseRequests runs in a worker thread");
  port.on("message", (req: ParseRequest) => {
    parseSessionFiles(req.files, req.sessionId, req.from).then(
      (result) => port.postMessage({ id: req.id, result } satisfies ParseReply),
      (err: unknown) => port.postMessage({ id: req.id, error: String(err) } satisfies ParseReply),
    );
  });
}

/**
 * parseSessionFiles in worker threads: sessions parse in parallel, one per worker at a time,
 * while the calling thread sends and uploads. `script` is a file that calls serveParseRequests()
 * when isParseWorker() (for the bundled CLI, the CLI itself).
 */
export class ParsePool {
  private readonly workers: Worker[];
  private readonly idle: Worker[];
  private readonly queue: Array<{ run: () => void; reject: (e: Error) => void }> = [];
  private broken: Error | null = null;
  private readonly waiting = new Map<number, { resolve: (r: ParsedSession) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  /** `execArgv`: for a TypeScript script under tsx, ["--import", "tsx"] (workers do not inherit loaders). */
  constructor(script: string | URL, size: number, opts: { execArgv?: string[] } = {}) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const w = new Worker(script, { workerData: { role: PARSE_WORKER }, execArgv: opts.execArgv });
      w.on("message", (reply: ParseReply) => this.settle(w, reply));
      // A worker that cannot run (or dies) fails the pool: every parse asked and to come.
      w.on("error", (err) => this.fail(err));
      return w;
    });
    this.idle = [...this.workers];
  }

  get size(): number {
    return this.workers.length;
  }

  parse(files: readonly string[], sessionId: string, from: readonly number[] = []): Promise<ParsedSession> {
    return new Promise((resolve, reject) => {
      const run = () => {
        if (this.broken) return reject(this.broken);
        const w = this.idle.pop();
        if (!w) return void this.queue.push({ run, reject });
        const id = this.nextId++;
        this.waiting.set(id, { resolve, reject });
        w.postMessage({ id, files, sessionId, from } satisfies ParseRequest);
      };
      run();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private settle(w: Worker, reply: ParseReply): void {
    const waiter = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    this.idle.push(w);
    this.queue.shift()?.run();
    if (!waiter) return;
    if ("error" in reply) waiter.reject(new Error(reply.error));
    else waiter.resolve(reply.result);
  }

  private fail(err: Error): void {
    this.broken = new Error(`a parse worker failed: ${err.message}`);
    for (const [, w] of this.waiting) w.reject(this.broken);
    for (const q of this.queue) q.reject(this.broken);
    this.waiting.clear();
    this.queue.length = 0;
  }
}
