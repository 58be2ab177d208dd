import { connect } from "node:net";
import { waitFor } from "@stratavore/runner/testing";

/** Until something accepts TCP connections on 127.0.0.1:`port` (a server the test started). */
export function waitForPort(what: string, port: number, timeoutMs = 10_000): Promise<boolean> {
  return waitFor(
    what,
    () =>
      new Promise<boolean>((resolve) => {
        const s = connect(port, "127.0.0.1", () => {
          s.end();
          resolve(true);
        });
        s.on("error", () => resolve(false));
      }),
    timeoutMs,
    100,
  );
}
