"use client";
import { useEffect, useState } from "react";

export type ThemeChoice = "system" | "light" | "dark";
export type Theme = "light" | "dark";

const KEY = "stratavore-theme";
const EVENT = "stratavore-theme";

/**
 * Runs before the first paint (inlined in the root layout), so a dark page never flashes
 * light: a stored choice becomes `data-theme` on <html>; none leaves the system in charge.
 */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem("${KEY}");if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;

export function storedThemeChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // storage refused (private mode): the choice lasts for this page only
  }
  if (choice === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
  window.dispatchEvent(new Event(EVENT));
}

const systemDark = () => window.matchMedia("(prefers-color-scheme: dark)").matches;

/** The theme in effect: the stored choice, or the system's. */
export function resolvedTheme(): Theme {
  const choice = storedThemeChoice();
  return choice === "system" ? (systemDark() ? "dark" : "light") : choice;
}

/** The theme in effect, following a change of choice or of the system's setting. */
export function useResolvedTheme(): Theme {
  const [theme, setTheme] = useState<Theme>("light");
  useEffect(() => {
    const update = () => setTheme(resolvedTheme());
    update();
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    media.addEventListener("change", update);
    window.addEventListener(EVENT, update);
    return () => {
      media.removeEventListener("change", update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return theme;
}
