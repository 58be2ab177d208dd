import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lineAt, LineSplitter, readFileLineBatches, readFileLines } from "./line-splitter.ts";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("LineSplitter", () => {
  it("reassembles lines and multi-byte characters cut at any byte", () => {
    const text = '{"a":"héllo 🎉"}\r\n{"b":"日本語"}\n\n{"c":1}\npartial 🎉';
    const bytes = Buffer.from(text, "utf8");
    for (let size = 1; size <= 7; size++) {
      const splitter = new LineSplitter();
      const lines: string[] = [];
      const reused = Buffer.alloc(size); // the caller's read buffer, overwritten every time
      for (let at = 0; at < bytes.length; at += size) {
        const n = bytes.copy(reused, 0, at, Math.min(at + size, bytes.length));
        lines.push(...splitter.push(reused.subarray(0, n)));
      }
      expect(lines, `chunk ${size}`).toEqual(['{"a":"héllo 🎉"}', '{"b":"日本語"}', "", '{"c":1}']);
      expect(splitter.pendingBytes).toBe(Buffer.byteLength("partial 🎉"));
      expect(splitter.flush()).toBe("partial 🎉");
      expect(splitter.pendingBytes).toBe(0);
    }
  });
});

describe("lineAt", () => {
  it("gives the bytes along with the text exactly when the text cannot give them back", () => {
    const cases: [string, Buffer, boolean][] = [
      ["plain UTF-8", Buffer.from('{"a":"héllo 🎉"}'), false],
      ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), true],
      ["a lone continuation byte", Buffer.from([0x61, 0x80]), true],
      ["an overlong encoding", Buffer.from([0xc0, 0x80]), true],
      ["a NUL byte", Buffer.from([0x61, 0x00, 0x62]), true],
      ["a trailing CR", Buffer.from("line\r"), true],
      ["a CR inside", Buffer.from("a\rb"), false],
    ];
    for (const [what, bytes, keeps] of cases) {
      const line = lineAt(bytes, 0, bytes.length);
      expect(line.raw !== undefined, what).toBe(keeps);
      if (line.raw) expect(line.raw.equals(bytes), what).toBe(true);
      else expect(Buffer.from(line.text).equals(bytes), what).toBe(true);
    }
  });

  it("hands the bytes of such a line through the splitter, whatever the chunking", () => {
    const bad = Buffer.concat([Buffer.from("x"), Buffer.from([0xe2, 0x82]), Buffer.from("y\r")]);
    const stream = Buffer.concat([Buffer.from("ok\n"), bad, Buffer.from("\nend")]);
    for (let size = 1; size <= 5; size++) {
      const splitter = new LineSplitter();
      const raws: (Buffer | undefined)[] = [];
      for (let at = 0; at < stream.length; at += size)
        raws.push(...splitter.pushLines(stream.subarray(at, at + size), at).map((l) => l.raw));
      expect(
        raws.map((r) => r?.toString("hex")),
        `chunk ${size}`,
      ).toEqual([undefined, bad.toString("hex")]);
      expect(splitter.flushLine()).toEqual({ text: "end" });
    }
  });
});

describe("readFileLines", () => {
  it("yields every line, the last even without its newline, and where complete lines end", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stv-lines-"));
    dirs.push(dir);
    const file = join(dir, "t.jsonl");
    writeFileSync(file, "one\ntwo\nthr");
    let complete = -1;
    const lines: string[] = [];
    for await (const l of readFileLines(file, (c) => (complete = c), 3)) lines.push(l);
    expect(lines).toEqual(["one", "two", "thr"]);
    expect(complete).toBe(8); // "one\ntwo\n"
    const none: string[] = [];
    for await (const l of readFileLines(join(dir, "missing.jsonl"), (c) => (complete = c))) none.push(l);
    expect([none, complete]).toEqual([[], 0]);
  });

  it("gives lines spanning many reads whole, with their file offsets, at every chunk size", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stv-lines-"));
    dirs.push(dir);
    const file = join(dir, "long.jsonl");
    const lines = ["a", "é".repeat(50), "", "b".repeat(97), "tail-without-newline"];
    writeFileSync(file, lines.join("\n"));
    // Where each line starts, counted by hand from the byte lengths.
    const starts = lines.reduce<number[]>(
      (at, l, i) => [...at, i ? at[i - 1]! + Buffer.byteLength(lines[i - 1]!) + 1 : 0],
      [],
    );
    for (const chunk of [1, 2, 3, 7, 64, 1000]) {
      const got: [string, number][] = [];
      let complete = -1;
      for await (const b of readFileLineBatches(file, (c) => (complete = c), chunk))
        for (let i = 0; i < b.starts.length; i++)
          got.push([b.buf.toString("utf8", b.starts[i], b.ends[i]), b.at + b.starts[i]!]);
      expect(got, `chunk ${chunk}`).toEqual(lines.map((l, i) => [l, starts[i]]));
      expect(complete, `chunk ${chunk}`).toBe(starts[4]);
    }
  });
});
