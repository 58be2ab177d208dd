import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

type Bg = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
export type SchemaEngine = Awaited<ReturnType<Bg["SchemaEngine"]["new"]>>;

let bgModule: Promise<Bg> | undefined;

/**
 * Prisma's own schema engine, compiled to WASM (the native one cannot be downloaded here).
 * We instantiate the .wasm ourselves instead of importing it as an ES module, so no
 * `--experimental-wasm-modules` flag is needed (docs/adr/0002-offline-migrations.md).
 */
function loadBg(): Promise<Bg> {
  bgModule ??= (async () => {
    const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })();
  return bgModule;
}

/**
 * The engine's connections come from a one-connection pool we own and close: Prisma's migrate
 * takes a session-level advisory lock, and with a larger pool (never closed by `engine.free()`)
 * the unlock could run on another connection, leaving the lock held by an idle connection of
 * this process — the next migrator of that database, in any process, then timed out.
 */
export async function openSchemaEngine(
  schemaText: string,
  connectionString: string,
): Promise<{ engine: SchemaEngine; close: () => Promise<void> }> {
  const bg = await loadBg();
  const pool = new pg.Pool({ connectionString, max: 1 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  const engine = await bg.SchemaEngine.new({ datamodels: [["schema.prisma", schemaText]] }, () => {}, adapter);
  return {
    engine,
    close: async () => {
      engine.free();
      await pool.end();
    },
  };
}
