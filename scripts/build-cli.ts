/** `npm run build:cli`: bundles the `stratavore` CLI into one executable CommonJS file. */
import { chmod, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
export const CLI_OUTFILE = join(root, "dist/apps/cli/stratavore.cjs");

/** Returns the path of the built file. Everything is bundled, so it runs without node_modules. */
export async function buildCli(outfile = CLI_OUTFILE): Promise<string> {
  const { version } = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { version: string };
  const result = await build({
    entryPoints: [join(root, "apps/cli/src/main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    // The PTY addon is native: it is loaded from node_modules at run time, never bundled.
    external: ["node-pty"],
    format: "cjs",
    target: "node20",
    // Resolves the @stratavore/* paths the same way tsc does.
    tsconfig: join(root, "tsconfig.base.json"),
    define: { __STRATAVORE_VERSION__: JSON.stringify(version) },
    banner: { js: "#!/usr/bin/env node" },
    legalComments: "none",
    logLevel: "warning",
  });
  if (result.errors.length) throw new Error(`CLI build failed with ${result.errors.length} error(s)`);
  await chmod(outfile, 0o755);
  return outfile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const t0 = Date.now();
  const out = await buildCli();
  console.log(`built ${out} in ${Date.now() - t0} ms`);
}
