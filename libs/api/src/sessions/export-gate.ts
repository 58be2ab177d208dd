import { AppError } from "@stratavore/contracts";

/**
 * Exports are built whole in memory (the file, then its JSON answer), so a viewer asking for a
 * 38 MB session twenty times in one batch made the server hold ~1.5 GB, stall every other
 * request and fail (the attacker review). Each export reserves what it will hold — its
 * archived bytes times HELD_PER_BYTE — until its answer is sent; past the limit an export is
 * refused SERVER_BUSY (try again), except that one export always fits when none is held.
 */
export class ExportGate {
  private held = 0;
  constructor(private readonly limitBytes: number) {}

  reserve(archivedBytes: number): () => void {
    const bytes = archivedBytes * HELD_PER_BYTE;
    if (this.held > 0 && this.held + bytes > this.limitBytes)
      throw new AppError(
        "SERVER_BUSY",
        `Other exports are being sent (${mb(this.held)} of ${mb(this.limitBytes)} held); this one (${mb(bytes)}) waits its turn: try again in a moment.`,
      );
    this.held += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= bytes;
    };
  }
}

/** The file as text, the answer's JSON of it, and the lines read to build it. */
const HELD_PER_BYTE = 3;
const mb = (bytes: number) => `${Math.ceil(bytes / 1_000_000)} MB`;

/** The server's: exports held at once, in bytes. */
export const EXPORT_GATE = new ExportGate(256_000_000);
