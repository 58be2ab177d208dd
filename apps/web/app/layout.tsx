import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Providers } from "../src/providers";
import { THEME_BOOT_SCRIPT } from "../src/theme/theme";
import "./globals.css";

export const metadata: Metadata = { title: "Stratavore", description: "Control plane for Claude Code fleets" };
export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The boot script may set data-theme before React hydrates: that difference is expected.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
