// One thread of bench/corpus/node-floor.ts. Plain JavaScript so the thread starts without a
// TypeScript loader. Two floors, each less than a correct parser of ours must do:
//  - "usage": read whole files, JSON.parse only the lines holding `"usage"` (what ccusage
//    counts; no session facts);
//  - "skim": read whole files, and walk the structure of every line naming a user or assistant
//    entry (the lines our session facts and usage come from) without decoding anything: strings
//    are jumped over with Buffer.indexOf, so no JSON.parse, no string made, no content checked.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { parentPort } from "node:worker_threads";

const USAGE = Buffer.from('"usage"');
const MARKS = [Buffer.from('"type":"user"'), Buffer.from('"type":"assistant"')];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
let buf = Buffer.allocUnsafe(1 << 20);

function readWhole(file) {
  const fd = openSync(file, "r");
  const size = fstatSync(fd).size;
  if (size > buf.length) buf = Buffer.allocUnsafe(size * 2);
  for (let at = 0; at < size;) {
    const got = readSync(fd, buf, at, size - at, at);
    if (got <= 0) break;
    at += got;
  }
  closeSync(fd);
  return buf.subarray(0, size);
}

/** JSON.parse of each line holding "usage": the number of lines that parsed. */
function parseUsageLines(text) {
  let lines = 0;
  for (let from = 0; from < text.length;) {
    const hit = text.indexOf(USAGE, from);
    if (hit === -1) break;
    const start = text.lastIndexOf(10, hit) + 1;
    let end = text.indexOf(10, hit);
    if (end === -1) end = text.length;
    try {
      // Used, so the parse cannot be optimised away.
      if (JSON.parse(text.toString("utf8", start, end))?.message) lines += 1;
    } catch {
      // A malformed line: skipped, as every counter does.
    }
    from = end + 1;
  }
  return lines;
}

/** Brackets balance outside strings; each string's end found natively (an even run of backslashes before the quote). */
function balanced(text, start, end) {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (c === QUOTE) {
      let j = i + 1;
      for (;;) {
        j = text.indexOf(QUOTE, j);
        if (j === -1 || j >= end) return false;
        let k = j - 1;
        while (text[k] === BACKSLASH) k--;
        if ((j - 1 - k) % 2 === 0) break;
        j += 1;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) depth += 1;
    else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return depth === 0;
}

/** Lines naming a user or assistant entry whose structure balances. */
function skimEntryLines(text) {
  const marks = [];
  for (const mark of MARKS)
    for (let at = text.indexOf(mark); at !== -1; at = text.indexOf(mark, at + 1)) marks.push(at);
  marks.sort((a, b) => a - b);
  let lines = 0;
  let m = 0;
  for (let from = 0; from < text.length;) {
    let end = text.indexOf(10, from);
    if (end === -1) end = text.length;
    while (m < marks.length && marks[m] < from) m++;
    if (m < marks.length && marks[m] < end && balanced(text, from, end)) lines += 1;
    from = end + 1;
  }
  return lines;
}

parentPort.on("message", ({ files, mode }) => {
  let lines = 0;
  for (const file of files) {
    const text = readWhole(file);
    lines += mode === "skim" ? skimEntryLines(text) : parseUsageLines(text);
  }
  parentPort.postMessage({ lines });
});
