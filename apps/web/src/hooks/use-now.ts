"use client";
import { useEffect, useState } from "react";

/**
 * The current time, re-rendering every `intervalMs`. One ticker per table (not per row)
 * drives the uptime column; pass `enabled: false` when nothing on screen is ticking.
 */
export function useNow(intervalMs = 1000, enabled = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, enabled]);
  return now;
}
