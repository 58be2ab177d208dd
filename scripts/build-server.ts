/**
 * `npm start`'s server and local agent, bundled (our TypeScript and libs in one ES module each,
 * npm packages left in node_modules) so they run on plain Node: no TypeScript loader in the
 * server process (~45 MB resident less; docs/PERFORMANCE.md, server memory). 150 ms.
 */
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
/** Each bundle sits three folders below the repository root, as its source does: `import.meta.dirname` paths stay true. */
export const SERVER_BUNDLE = join(root, "dist/apps/server/main.mjs");
export const AGENT_BUNDLE = join(root, "dist/apps/agent/main.mjs");
/**
 * The same server with the test entry (apps/server/src/testing/server-process.ts: fleet timings
 * from the environment, memory lines), for benches that measure the server as `npm start` runs it.
 */
export const SERVER_PROCESS_BUNDLE = join(root, "dist/apps/server/server-process.mjs");
/**
 * How `npm start` runs the bundle (package.json's start script says the same; a test keeps
 * them equal): V8's old generation grows in 20 % steps and its young one stays at 8 MB
 * semi-spaces, and glibc keeps two malloc arenas instead of eight per core. The server holds
 * less garbage between collections: 300 MB Settings import, server RSS peak ~450 MB without,
 * ~255 with, for ~16 % more time (the CLI import: no slower); docs/PERFORMANCE.md has the
 * other combinations measured.
 */
export const SERVER_NODE_FLAGS = ["--heap-growing-percent=20", "--max-semi-space-size=8"];
export const SERVER_ENV = { MALLOC_ARENA_MAX: "2" };

export async function buildServer(opts: { benchEntry?: boolean } = {}): Promise<void> {
  const result = await build({
    entryPoints: {
      "server/main": join(root, "apps/server/src/main.ts"),
      "agent/main": join(root, "apps/agent/src/main.ts"),
      ...(opts.benchEntry ? { "server/server-process": join(root, "apps/server/src/testing/server-process.ts") } : {}),
    },
    outdir: join(root, "dist/apps"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // npm packages load from node_modules as usual (native addons, Prisma's engine, Next.js).
    packages: "external",
    // Resolves the @stratavore/* paths the same way tsc does (those are bundled).
    tsconfig: join(root, "tsconfig.base.json"),
    // apps/server/src/bundled.ts: the server then starts its local agent from the agent bundle
    // and registers tsx for plugins given as paths.
    define: { __STRATAVORE_BUNDLED__: "true" },
    // Function and class names stay readable in logs and stack traces.
    keepNames: true,
    legalComments: "none",
    logLevel: "warning",
  });
  if (result.errors.length) throw new Error(`server build failed with ${result.errors.length} error(s)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const t0 = Date.now();
  await buildServer();
  console.log(`built ${SERVER_BUNDLE} and ${AGENT_BUNDLE} in ${Date.now() - t0} ms`);
}
