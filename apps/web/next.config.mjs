import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** @type {import("next").NextConfig} */
const config = {
  // Libs are imported as TypeScript source from outside this folder.
  outputFileTracingRoot: repoRoot,
  turbopack: { root: repoRoot },
  // Type errors are caught by `npm test` (tsc over the whole repo), not by a second checker here.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
  devIndicators: false,
};

export default config;
