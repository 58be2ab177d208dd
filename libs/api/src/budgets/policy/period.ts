export type Period = "hourly" | "daily" | "weekly" | "monthly";

/**
 * The current period's [start, end) in the server's time zone (the process TZ): periods roll
 * over on the hour, at midnight, on Monday at midnight, on the 1st at midnight.
 */
export function periodBounds(period: Period, now: Date): { start: Date; end: Date } {
  const d = new Date(now);
  d.setMinutes(0, 0, 0);
  if (period === "hourly") return { start: d, end: new Date(d.getTime() + 3_600_000) };
  d.setHours(0);
  if (period === "daily") {
    const end = new Date(d);
    end.setDate(end.getDate() + 1);
    return { start: d, end };
  }
  if (period === "weekly") {
    d.setDate(d.getDate() - ((d.getDay() + 6) % 7)); // back to Monday
    const end = new Date(d);
    end.setDate(end.getDate() + 7);
    return { start: d, end };
  }
  d.setDate(1);
  const end = new Date(d);
  end.setMonth(end.getMonth() + 1);
  return { start: d, end };
}
