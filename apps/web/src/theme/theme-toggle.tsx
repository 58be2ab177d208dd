"use client";
import { useEffect, useState } from "react";
import { setThemeChoice, storedThemeChoice, useFollowSystemTheme, type ThemeChoice } from "./theme";

/** System, light or dark; kept in this browser. */
export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>("system");
  useFollowSystemTheme();
  useEffect(() => setChoice(storedThemeChoice()), []);
  return (
    <label className="theme-toggle">
      <span className="sr-only">Theme</span>
      <select
        aria-label="Theme"
        className="theme-select"
        value={choice}
        onChange={(e) => {
          const next = e.target.value as ThemeChoice;
          setChoice(next);
          setThemeChoice(next);
        }}
      >
        <option value="system">◐ System theme</option>
        <option value="light">☀ Light</option>
        <option value="dark">☾ Dark</option>
      </select>
    </label>
  );
}
