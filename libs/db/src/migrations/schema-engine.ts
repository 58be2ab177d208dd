import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
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

export async function openSchemaEngine(schemaText: string, connectionString: string): Promise<SchemaEngine> {
  const bg = await loadBg();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
  return bg.SchemaEngine.new({ datamodels: [["schema.prisma", schemaText]] }, () => {}, adapter);
}
