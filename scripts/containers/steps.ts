/**
 * Each step of the container test with its duration, and the closing `N passed, N failed`.
 * Steps that never ran because one they need failed are counted as not run, and fail the test.
 */
export class Steps {
  private passed = 0;
  private failed = 0;
  private readonly started = Date.now();

  constructor(
    private readonly planned: number,
    private readonly write: (line: string) => void,
  ) {}

  /** Runs one step; a failure is reported and counted, and the step's value is then undefined. */
  async run<T>(name: string, fn: () => Promise<T>, detail?: (value: T) => string): Promise<T | undefined> {
    const t0 = Date.now();
    this.write(`▶ ${name}`);
    try {
      const value = await fn();
      this.passed++;
      const said = detail ? ` — ${detail(value)}` : "";
      this.write(`✓ ${name} (${seconds(Date.now() - t0)})${said}`);
      return value;
    } catch (err) {
      this.failed++;
      this.write(`✗ ${name} (${seconds(Date.now() - t0)}): ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  get ok(): boolean {
    return this.passed === this.planned;
  }

  summary(): string {
    const notRun = this.planned - this.passed - this.failed;
    const counts = `${this.passed} passed, ${this.failed} failed${notRun > 0 ? `, ${notRun} not run` : ""}`;
    return `${counts} (${seconds(Date.now() - this.started)} in all)`;
  }
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
