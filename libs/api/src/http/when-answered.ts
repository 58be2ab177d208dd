import type { ServerResponse } from "node:http";

/**
 * Runs callbacks once the HTTP answer is sent or the client left (`close`), including callbacks
 * added after that already happened: they run at once. Made when the request arrives, before
 * anything is awaited — a listener added later would miss a `close` that came first (a client
 * that asked for an export and hung up at once kept its share of the ExportGate for good).
 */
export function whenAnsweredHook(res: ServerResponse): (fn: () => void) => void {
  let closed = false;
  const waiting: (() => void)[] = [];
  res.once("close", () => {
    closed = true;
    for (const fn of waiting.splice(0)) fn();
  });
  return (fn) => {
    if (closed) fn();
    else waiting.push(fn);
  };
}
