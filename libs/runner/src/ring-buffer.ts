export interface OutputChunk {
  seq: number;
  data: string;
}

interface Stored extends OutputChunk {
  bytes: number;
}

/** Keeps the tail of a chunk that alone exceeds the cap, measured in UTF-8 bytes. */
function tailWithin(data: string, maxBytes: number): string {
  let tail = data.slice(-maxBytes);
  // Every UTF-16 unit is at least one byte, so dropping `excess` units always makes room.
  for (let excess = Buffer.byteLength(tail) - maxBytes; excess > 0; excess = Buffer.byteLength(tail) - maxBytes) {
    tail = tail.slice(excess);
  }
  return tail;
}

/**
 * Scrollback for one terminal: the newest output up to `maxBytes` (UTF-8), each chunk
 * numbered so a reconnecting viewer asks for "everything after seq N" and sees nothing twice.
 */
export class OutputRing {
  readonly maxBytes: number;
  private chunks: Stored[] = [];
  // Index of the oldest kept chunk; compacted lazily so eviction is O(1) amortised.
  private head = 0;
  private bytes = 0;
  private seq = 0;

  constructor(maxBytes: number) {
    if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new RangeError("maxBytes must be a positive integer");
    this.maxBytes = maxBytes;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Seq of the oldest chunk still kept (lastSeq + 1 when empty). */
  get firstSeq(): number {
    return this.chunks[this.head]?.seq ?? this.seq + 1;
  }

  get size(): number {
    return this.bytes;
  }

  push(data: string): number {
    this.seq += 1;
    let bytes = Buffer.byteLength(data);
    if (bytes > this.maxBytes) {
      data = tailWithin(data, this.maxBytes);
      bytes = Buffer.byteLength(data);
    }
    this.chunks.push({ seq: this.seq, data, bytes });
    this.bytes += bytes;
    while (this.bytes > this.maxBytes) {
      const oldest = this.chunks[this.head];
      if (!oldest) break;
      this.bytes -= oldest.bytes;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    return this.seq;
  }

  /**
   * Chunks with seq > afterSeq. When some of them were already evicted the whole kept
   * buffer comes back; callers see the gap as `result[0].seq > afterSeq + 1`.
   */
  since(afterSeq = 0): OutputChunk[] {
    const out: OutputChunk[] = [];
    for (let i = this.head; i < this.chunks.length; i += 1) {
      const c = this.chunks[i];
      if (c && c.seq > afterSeq) out.push({ seq: c.seq, data: c.data });
    }
    return out;
  }

  snapshot(): string {
    let text = "";
    for (let i = this.head; i < this.chunks.length; i += 1) text += this.chunks[i]?.data ?? "";
    return text;
  }
}
