"use client";
import { useEffect, useRef, useState } from "react";
import { Button } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useTRPCClient } from "../trpc";
import { downloadText } from "./download";

const FORMATS = [
  { format: "jsonl", label: "JSONL (original lines)" },
  { format: "md", label: "Markdown" },
  { format: "json", label: "JSON" },
] as const;

/**
 * Export ▾: fetched on demand (a transcript can be megabytes, so it is never cached), then saved
 * via a Blob. A <details> gives the dropdown keyboard and touch support without a menu library.
 */
export function ExportMenu({ sessionId }: { sessionId: string }) {
  const client = useTRPCClient();
  const menu = useRef<HTMLDetailsElement>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A tap or click anywhere else closes it, as a menu does (a <details> alone stays open).
  useEffect(() => {
    const close = (e: PointerEvent) => {
      const el = menu.current;
      if (el?.open && !el.contains(e.target as Node)) el.open = false;
    };
    document.addEventListener("pointerdown", close);
    return () => document.removeEventListener("pointerdown", close);
  }, []);
  const run = async (format: (typeof FORMATS)[number]["format"]) => {
    if (menu.current) menu.current.open = false;
    setBusy(format);
    setError(null);
    try {
      const file = await client.sessions.export.query({ id: sessionId, format });
      downloadText(file.filename, file.contentType, file.content, file.contentBase64);
    } catch (e) {
      setError(errorMessage(e).message);
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <details className="menu" ref={menu}>
        <summary className="btn btn-secondary" aria-busy={busy ? true : undefined}>
          {busy ? <span className="spinner spinner-inline" aria-hidden /> : null}Export ▾
        </summary>
        <div className="menu-list" role="menu">
          {FORMATS.map((f) => (
            <Button
              key={f.format}
              variant="ghost"
              role="menuitem"
              disabled={busy !== null}
              onClick={() => void run(f.format)}
            >
              {f.label}
            </Button>
          ))}
        </div>
      </details>
      {error ? (
        <span className="inline-error" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}
