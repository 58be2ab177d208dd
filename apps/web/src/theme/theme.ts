"use client";
import { useEffect, useState } from "react";

export type ThemeChoice = "system" | "light" | "dark";
export type Theme = "light" | "dark";

const KEY = "stratavore-theme";
const EVENT = "stratavore-theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";

/**
 * Runs before the first paint (inlined in the root layout), so a dark page never flashes
 * light: `data-theme` on <html> is the stored choice, else the system's. One set of dark
 * colours in the stylesheet, keyed on that attribute.
 */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem("${KEY}");if(t!=="light"&&t!=="dark")t=matchMedia("${DARK_QUERY}").matches?"dark":"light";document.documentElement.dataset.theme=t}catch(e){}`;

export function storedThemeChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

const systemTheme = (): Theme => (window.matchMedia(DARK_QUERY).matches ? "dark" : "light");

/** The theme in effect: the stored choice, or the system's. */
export function resolvedTheme(): Theme {
  const choice = storedThemeChoice();
  return choice === "system" ? systemTheme() : choice;
}

function apply(): void {
  document.documentElement.dataset.theme = resolvedTheme();
  window.dispatchEvent(new Event(EVENT));
}

export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // storage refused (private mode): the choice lasts for this page only
  }
  if (choice === "system") apply();
  else {
    document.documentElement.dataset.theme = choice;
    window.dispatchEvent(new Event(EVENT));
  }
}

/** While the choice is "system", a change of the system's setting re-themes the open page. */
export function useFollowSystemTheme(): void {
  useEffect(() => {
    const media = window.matchMedia(DARK_QUERY);
    const onChange = () => storedThemeChoice() === "system" && apply();
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, []);
}

/** The theme in effect, following a change of choice or of the system's setting. */
export function useResolvedTheme(): Theme {
  const [theme, setTheme] = useState<Theme>("light");
  useEffect(() => {
    const update = () => setTheme(document.documentElement.dataset.theme === "dark" ? "dark" : "light");
    update();
    window.addEventListener(EVENT, update);
    return () => window.removeEventListener(EVENT, update);
  }, []);
  return theme;
}
