/**
 * Folder-level import cycles inside a lib (issue 12): each directory is a unit, and a unit may
 * not reach itself through the relative imports of its files. Only imports that survive
 * compilation count — `import type` (or an import of types only) is erased, and the wired
 * dependencies container (`ApiDeps`) names every service's types by design.
 *   node --import tsx scripts/import-cycles.ts libs/api/src
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import ts from "typescript";

/** Relative specifiers of the imports and re-exports of a file that load code at run time. */
export function runtimeImports(source: string, fileName = "x.ts"): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const clause = st.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          clause.namedBindings &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(st.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(st) &&
      st.moduleSpecifier &&
      ts.isStringLiteral(st.moduleSpecifier) &&
      !st.isTypeOnly
    ) {
      out.push(st.moduleSpecifier.text);
    }
  }
  return out.filter((s) => s.startsWith("."));
}

function sourceFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "generated" ? [] : sourceFiles(root, p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [relative(root, p)] : [];
  });
}

/** Each cycle as the directories on it, e.g. ["budgets", "runners"] (sorted, deduplicated). */
export function folderCycles(root: string): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(root)) {
    const from = dirname(file);
    for (const spec of runtimeImports(readFileSync(join(root, file), "utf8"), file)) {
      const to = dirname(normalize(join(from, spec)));
      if (to === from) continue;
      graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  // Strongly connected components (Tarjan): every one with more than one folder is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
        onStack.delete(w);
        scc.push(w);
      }
      if (scc.length > 1) cycles.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles.sort((a, b) => a.join().localeCompare(b.join()));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const root = process.argv[2] ?? "libs/api/src";
  const cycles = folderCycles(root);
  for (const c of cycles) console.log(`cycle: ${c.join(" ↔ ")}`);
  console.log(`${cycles.length} folder cycles in ${root}`);
  process.exitCode = cycles.length ? 1 : 0;
}
