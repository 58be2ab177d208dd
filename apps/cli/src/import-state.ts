import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { fileHeadSha256 } from "@stratavore/runner";

/**
 * How far `stratavore import` got with each transcript file, per server (in the config dir,
 * `import-state.json`): the offset just past its last complete line, and the hash of its
 * first 4 KB. A later import reads, sends and uploads only what claude appended since; a
 * file whose start changed (replaced) is read from its start again.
 */
export interface ImportState {
  /** Where to start reading `path`, and its size now. */
  startOf(path: string): Promise<{ start: number; size: number }>;
  /** `path` is imported up to `bytes` (its lines' usage sent and the file archived). */
  done(path: string, bytes: number): Promise<void>;
  /** Writes what `done` recorded (atomically: a crash leaves the previous file). */
  save(): Promise<void>;
}

const fileSchema = z.record(z.string(), z.record(z.string(), z.object({ bytes: z.number(), head: z.string() })));
type Files = z.infer<typeof fileSchema>;

export const importStateFile = (configDir: string) => join(configDir, "import-state.json");

export async function openImportState(
  configDir: string,
  server: string,
  opts: { fromStart: boolean },
): Promise<ImportState> {
  const file = importStateFile(configDir);
  const all: Files = await readFile(file, "utf8").then(
    // A damaged state only costs reading everything again.
    (raw) => fileSchema.safeParse(parseJson(raw)).data ?? {},
    () => ({}),
  );
  const mine = (all[server] ??= {});
  return {
    async startOf(path) {
      const size = await stat(path).then(
        (s) => s.size,
        () => 0,
      );
      const known = opts.fromStart ? undefined : mine[path];
      if (!known || known.bytes > size) return { start: 0, size };
      return { start: (await fileHeadSha256(path, known.bytes)) === known.head ? known.bytes : 0, size };
    },
    async done(path, bytes) {
      mine[path] = { bytes, head: await fileHeadSha256(path, bytes) };
    },
    async save() {
      await mkdir(configDir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(all), { mode: 0o600 });
      await rename(tmp, file);
    },
  };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
