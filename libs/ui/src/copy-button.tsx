"use client";
import { useState } from "react";
import { Button } from "./button.tsx";

/**
 * Copies `text` and says so. Where the Clipboard API is missing — a dashboard on plain http at
 * a LAN address is not a secure context — a hidden textarea and `execCommand("copy")` do it;
 * if that fails too, the button says to copy by hand (the text is shown, selectable).
 */
export function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      if (navigator.clipboard) await navigator.clipboard.writeText(text);
      else if (!copyThroughSelection(text)) throw new Error("no clipboard");
      setState("copied");
    } catch {
      setState(copyThroughSelection(text) ? "copied" : "failed");
    }
  };
  return (
    <Button size="sm" onClick={() => void copy()} aria-live="polite">
      {state === "copied" ? "Copied" : state === "failed" ? "Select it and copy by hand" : "Copy"}
    </Button>
  );
}

function copyThroughSelection(text: string): boolean {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
