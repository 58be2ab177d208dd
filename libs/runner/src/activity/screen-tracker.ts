import xtermHeadless from "@xterm/headless";
import { activitySignature, readScreen, type ActivityState } from "./screen-activity.ts";

// A CommonJS bundle: Node's ESM loader sees no named exports in it.
const { Terminal } = xtermHeadless;

export interface RunnerActivity {
  state: ActivityState;
  line: string | null;
  /** When the screen last changed (ms since the epoch): the runner's last visible activity. */
  at: number;
}

/**
 * A headless terminal fed the runner's output, so its screen can be read as a person sees it
 * (claude redraws its TUI in place: the raw stream is not the screen). Only the visible rows
 * are kept. Reading is lazy: `sample()` looks at the screen only when output came since the
 * last look, so an idle runner costs nothing.
 */
export class ScreenTracker {
  private readonly term: InstanceType<typeof Terminal>;
  private dirty = false;
  private text = "";
  private signature = "";
  private current: RunnerActivity;

  constructor(
    cols: number,
    rows: number,
    private readonly now: () => number = Date.now,
  ) {
    this.term = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
    this.current = { state: "idle", line: null, at: now() };
  }

  write(data: string): void {
    // Marked once parsed: xterm parses on a timer, and a look in between would see the old
    // screen, clear the mark, and miss claude's last redraw for good.
    this.term.write(data, () => {
      this.dirty = true;
    });
  }

  /** Resolves once everything written so far is on the screen (xterm parses asynchronously). */
  flush(): Promise<void> {
    return new Promise((resolve) => this.term.write("", resolve));
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    this.dirty = true;
  }

  sample(): RunnerActivity {
    if (!this.dirty) return this.current;
    this.dirty = false;
    const lines = this.lines();
    const text = lines.join("\n");
    if (text === this.text) return this.current;
    this.text = text;
    // `at` moves only when something other than an animation changed (activitySignature).
    const reading = readScreen(lines);
    const signature = activitySignature(lines);
    const moved = signature !== this.signature || reading.state !== this.current.state;
    this.signature = signature;
    this.current = { ...reading, at: moved ? this.now() : this.current.at };
    return this.current;
  }

  dispose(): void {
    this.term.dispose();
  }

  private lines(): string[] {
    const buf = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? "");
    return out;
  }
}
