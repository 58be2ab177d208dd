import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SKIP = new Set(["node_modules", ".next", "dist", "generated", ".nx"]);

/** A hash of every file under the given folders, to rebuild only when sources changed. */
export function hashSources(root: string, folders: string[], files: string[] = []): string {
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (SKIP.has(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else h.update(relative(root, path)).update(readFileSync(path));
    }
  };
  for (const f of folders) walk(join(root, f));
  for (const f of files) h.update(f).update(readFileSync(join(root, f)));
  return h.digest("hex");
}
