/** The p-th percentile of `xs` (nearest rank, on a sorted copy); 0 for none. */
export const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
