import type { HTMLAttributes } from "react";

export type GaugeTone = "ok" | "warning" | "exceeded" | "off";

const RADIUS = 42;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/**
 * A ring filled to `fraction` (0..1; more than 1 shows a full ring and the real percentage),
 * coloured by tone. Extra attributes (data-testid, data-*) land on the wrapper for tests.
 */
export function RingGauge({
  fraction,
  tone,
  label,
  size = 88,
  className,
  text,
  ...rest
}: {
  fraction: number;
  tone: GaugeTone;
  label?: string;
  size?: number;
  /** The figure in the ring, when the plain percentage would say too much ("≥57%"). */
  text?: string;
} & HTMLAttributes<HTMLDivElement>) {
  const safe = Number.isFinite(fraction) ? Math.max(0, fraction) : 0;
  const filled = Math.min(1, safe) * CIRCUMFERENCE;
  const percent = Math.round(safe * 100);
  return (
    <div
      className={`gauge gauge-${tone} ${className ?? ""}`.trim()}
      style={{ width: size, height: size }}
      role="img"
      aria-label={label ?? `${percent}% used`}
      {...rest}
    >
      <svg viewBox="0 0 100 100" width={size} height={size} aria-hidden>
        <circle className="gauge-track" cx="50" cy="50" r={RADIUS} fill="none" strokeWidth="10" />
        <circle
          className="gauge-fill"
          cx="50"
          cy="50"
          r={RADIUS}
          fill="none"
          strokeWidth="10"
          strokeLinecap="round"
          strokeDasharray={`${filled} ${CIRCUMFERENCE}`}
          transform="rotate(-90 50 50)"
        />
      </svg>
      <span className="gauge-text">{text ?? `${percent}%`}</span>
    </div>
  );
}
