import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Providers } from "../src/providers";
import "./globals.css";

export const metadata: Metadata = { title: "Stratavore", description: "Control plane for Claude Code fleets" };
export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
