"use client";
import "@xterm/xterm/css/xterm.css";
import type { Terminal as XTerm } from "@xterm/xterm";
import { useEffect, useRef, useState } from "react";
import { useRealtimeSocket } from "../realtime/realtime-provider";
import { useResolvedTheme } from "../theme/theme";
import { TerminalKeys } from "./terminal-keys";
import { streamRunnerOutput } from "./terminal-stream";

const RESIZE_DEBOUNCE_MS = 150;
/** The terminal follows the page's theme (xterm paints a canvas: CSS variables cannot reach it). */
const THEMES = {
  dark: { background: "#0b1020", foreground: "#e2e8f0", cursor: "#a5b4fc", selectionBackground: "#334155" },
  light: { background: "#fbfbfd", foreground: "#1c2230", cursor: "#4f46e5", selectionBackground: "#c7d2fe" },
} as const;

/**
 * The runner's pseudo-terminal in the browser. Operators type into it (and their window size
 * becomes the PTY's); viewers watch read-only and never resize someone else's session.
 * `interactive` flips when the runner ends; the terminal stays (the server forgets an ended
 * runner's output, so rebuilding it would blank the screen) and only its input switches off.
 */
export function RunnerTerminal({ runnerId, interactive }: { runnerId: string; interactive: boolean }) {
  const socket = useRealtimeSocket();
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<XTerm | null>(null);
  const interactiveRef = useRef(interactive);
  const [problem, setProblem] = useState<string | null>(null);
  const theme = useResolvedTheme();
  const themeRef = useRef(theme);

  useEffect(() => {
    themeRef.current = theme;
    if (termRef.current) termRef.current.options.theme = THEMES[theme];
  }, [theme]);

  useEffect(() => {
    interactiveRef.current = interactive;
    const term = termRef.current;
    if (term) {
      term.options.disableStdin = !interactive;
      term.options.cursorBlink = interactive;
    }
  }, [interactive]);

  /** Keystrokes, from xterm or the key buttons, to the runner's PTY; only while it takes input. */
  const send = (data: string) => {
    if (!socket || !interactiveRef.current) return;
    socket.emit("runner:input", { runnerId, data }, (ack) => setProblem(ack.ok ? null : ack.message));
  };
  const sendRef = useRef(send);
  sendRef.current = send;

  useEffect(() => {
    const host = hostRef.current;
    if (!socket || !host) return;
    let disposed = false;
    const cleanups: (() => void)[] = [];

    // xterm touches the DOM on import, so it is loaded here rather than during server rendering.
    void Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit")])
      .then(([{ Terminal }, { FitAddon }]) => {
        if (disposed) return;
        const term = new Terminal({
          disableStdin: !interactiveRef.current,
          cursorBlink: interactiveRef.current,
          scrollback: 5000,
          fontSize: 13,
          theme: THEMES[themeRef.current],
          fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace",
        });
        const fit = new FitAddon();
        term.loadAddon(fit);
        term.open(host);
        fit.fit();
        termRef.current = term;
        cleanups.push(() => {
          termRef.current = null;
          term.dispose();
        });

        cleanups.push(
          streamRunnerOutput(socket, runnerId, {
            write: (data) => term.write(data),
            notice: (text) => term.write(`\r\n\x1b[33m${text}\x1b[0m\r\n`),
          }),
        );

        const sendSize = () => {
          if (interactiveRef.current)
            socket.emit("runner:resize", { runnerId, cols: Math.max(10, term.cols), rows: Math.max(5, term.rows) });
        };
        const input = term.onData((data) => sendRef.current(data));
        const resized = term.onResize(sendSize);
        sendSize();
        socket.on("connect", sendSize);
        cleanups.push(() => {
          input.dispose();
          resized.dispose();
          socket.off("connect", sendSize);
        });

        // Refit after the layout settles (rotation, sidebar, window drags), not on every pixel.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const observer = new ResizeObserver(() => {
          clearTimeout(timer);
          timer = setTimeout(() => fit.fit(), RESIZE_DEBOUNCE_MS);
        });
        observer.observe(host);
        cleanups.push(() => {
          observer.disconnect();
          clearTimeout(timer);
        });
      })
      .catch((e: unknown) => setProblem(`The terminal could not start: ${String(e)}`));

    return () => {
      disposed = true;
      cleanups.reverse().forEach((fn) => fn());
    };
  }, [socket, runnerId]);

  return (
    <div className="terminal-panel">
      <div ref={hostRef} className="terminal-host" data-testid="runner-terminal" aria-label="Runner terminal" />
      {interactive ? <TerminalKeys send={send} /> : null}
      {problem ? (
        <div className="inline-error" role="alert">
          {problem}
        </div>
      ) : null}
      {!socket ? <div className="muted small">Connecting to the live stream…</div> : null}
    </div>
  );
}
