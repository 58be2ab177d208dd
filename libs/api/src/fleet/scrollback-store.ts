interface Chunk {
  seq: number;
  data: string;
}

/**
 * Recent terminal output per runner, keyed by the agent's own output seq, so a browser that
 * attaches late gets the screen so far and then continues from the next seq. Bounded per
 * runner; forgotten when the runner ends (its log file stays on the node).
 */
export class ScrollbackStore {
  private readonly buffers = new Map<string, { chunks: Chunk[]; bytes: number }>();

  constructor(private readonly maxBytesPerRunner = 256 * 1024) {}

  append(runnerId: string, seq: number, data: string): boolean {
    let buf = this.buffers.get(runnerId);
    if (!buf) this.buffers.set(runnerId, (buf = { chunks: [], bytes: 0 }));
    const last = buf.chunks.at(-1);
    if (last && seq <= last.seq) return false; // replayed after a reconnect: already have it
    buf.chunks.push({ seq, data });
    buf.bytes += data.length;
    while (buf.bytes > this.maxBytesPerRunner && buf.chunks.length > 1)
      buf.bytes -= buf.chunks.shift()?.data.length ?? 0;
    return true;
  }

  since(runnerId: string, afterSeq = -1): Chunk[] {
    return (this.buffers.get(runnerId)?.chunks ?? []).filter((c) => c.seq > afterSeq);
  }

  forget(runnerId: string): void {
    this.buffers.delete(runnerId);
  }
}
