/**
 * Rows in COPY's binary format (PostgreSQL docs, "COPY … Binary Format"), encoded straight into
 * one buffer. Against the text format nothing is escaped on our side or unescaped on
 * PostgreSQL's: a transcript line is JSON, full of backslashes, so the text format rewrote
 * nearly every one of them twice (bench/parse; docs/PERFORMANCE.md).
 */
export class BinaryRows {
  private buf: Buffer;
  private at = 0;

  constructor(private readonly chunkBytes = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** The signature, no flags, no header extension: once, before the first row of a COPY. */
  header(): this {
    this.ensure(SIGNATURE.length + 8);
    this.at += SIGNATURE.copy(this.buf, this.at);
    this.at = this.buf.writeInt32BE(0, this.at);
    this.at = this.buf.writeInt32BE(0, this.at);
    return this;
  }

  /** The end-of-data marker: once, after the last row. */
  trailer(): this {
    return this.int16(-1);
  }

  row(fields: number): this {
    return this.int16(fields);
  }

  null(): this {
    this.ensure(4);
    this.at = this.buf.writeInt32BE(-1, this.at);
    return this;
  }

  text(s: string | null): this {
    if (s === null) return this.null();
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    this.ensure(4 + s.length * 3);
    const n = this.buf.write(s, this.at + 4, "utf8");
    this.buf.writeInt32BE(n, this.at);
    this.at += 4 + n;
    return this;
  }

  bytes(b: Buffer | null): this {
    if (b === null) return this.null();
    this.ensure(4 + b.length);
    this.at = this.buf.writeInt32BE(b.length, this.at);
    this.at += b.copy(this.buf, this.at);
    return this;
  }

  bool(v: boolean): this {
    this.ensure(5);
    this.at = this.buf.writeInt32BE(1, this.at);
    this.at = this.buf.writeUInt8(v ? 1 : 0, this.at);
    return this;
  }

  int4(n: number): this {
    this.ensure(8);
    this.at = this.buf.writeInt32BE(4, this.at);
    this.at = this.buf.writeInt32BE(n, this.at);
    return this;
  }

  int8(n: number): this {
    this.ensure(12);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.at = this.buf.writeBigInt64BE(BigInt(n), this.at);
    return this;
  }

  /** A `timestamp` (without time zone) holding the UTC time of `ms`: microseconds since 2000-01-01. */
  timestamp(ms: number | null): this {
    if (ms === null) return this.null();
    this.ensure(12);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.at = this.buf.writeBigInt64BE(BigInt(ms - PG_EPOCH_MS) * 1000n, this.at);
    return this;
  }

  /** A one-dimensional `text[]` without NULLs (an empty one has no dimension). */
  textArray(items: readonly string[]): this {
    this.ensure(4 + 20);
    const lengthAt = this.at;
    this.at += 4;
    this.at = this.buf.writeInt32BE(items.length ? 1 : 0, this.at);
    this.at = this.buf.writeInt32BE(0, this.at);
    this.at = this.buf.writeInt32BE(TEXT_OID, this.at);
    if (items.length) {
      this.at = this.buf.writeInt32BE(items.length, this.at);
      this.at = this.buf.writeInt32BE(1, this.at);
    }
    for (const item of items) this.text(item);
    this.buf.writeInt32BE(this.at - lengthAt - 4, lengthAt);
    return this;
  }

  get size(): number {
    return this.at;
  }

  /** What was encoded so far, handed over (a stream may still hold it); the next rows start afresh. */
  take(): Buffer {
    const done = this.buf.subarray(0, this.at);
    this.buf = Buffer.allocUnsafe(this.chunkBytes);
    this.at = 0;
    return done;
  }

  private int16(n: number): this {
    this.ensure(2);
    this.at = this.buf.writeInt16BE(n, this.at);
    return this;
  }

  private ensure(more: number): void {
    if (this.at + more <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + more));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
}

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TEXT_OID = 25;
