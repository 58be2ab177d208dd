// One thread of bench/corpus/node-floor.ts: reads whole files and JSON.parses only the lines
// holding `"usage"`. Plain JavaScript so the thread starts without a TypeScript loader.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { parentPort } from "node:worker_threads";

const USAGE = Buffer.from('"usage"');
let buf = Buffer.allocUnsafe(1 << 20);

parentPort.on("message", (files) => {
  let lines = 0;
  let tokens = 0;
  for (const file of files) {
    const fd = openSync(file, "r");
    const size = fstatSync(fd).size;
    if (size > buf.length) buf = Buffer.allocUnsafe(size * 2);
    for (let at = 0; at < size;) {
      const got = readSync(fd, buf, at, size - at, at);
      if (got <= 0) break;
      at += got;
    }
    closeSync(fd);
    const text = buf.subarray(0, size);
    for (let from = 0; from < size;) {
      const hit = text.indexOf(USAGE, from);
      if (hit === -1) break;
      const start = text.lastIndexOf(10, hit) + 1;
      let end = text.indexOf(10, hit);
      if (end === -1) end = size;
      try {
        const usage = JSON.parse(text.toString("utf8", start, end))?.message?.usage;
        // Used, so the parse cannot be optimised away; not a total anyone should compare.
        if (usage) tokens += (Number(usage.input_tokens) || 0) + (Number(usage.output_tokens) || 0);
        lines += 1;
      } catch {
        // A malformed line: skipped, as every counter does.
      }
      from = end + 1;
    }
  }
  parentPort.postMessage({ lines, tokens });
});
