import { readdir, stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { pathToFileURL } from "node:url";
import type {
  LaunchAddition,
  LaunchContext,
  PluginEvent,
  PluginFinding,
  PluginHooks,
  PluginPrice,
  StratavorePlugin,
  WatchedRunnerView,
} from "@stratavore/contracts";

/** What hooks may answer; anything else is that plugin's failure (it would break the caller). */
const count = z.number().finite().min(0).max(1_000_000);
const ANSWERS = {
  onEvent: z.unknown(),
  beforeLaunch: z
    .object({
      extraArgs: z.array(z.string()).max(30).optional(),
      mcpServers: z.record(z.string(), z.unknown()).optional(),
      tags: z.array(z.string()).max(20).optional(),
    })
    .nullish(),
  prices: z
    .array(
      z.object({
        model: z.string().min(1).max(100),
        inputPerMTok: count,
        outputPerMTok: count,
        cacheWrite5mPerMTok: count.optional(),
        cacheWrite1hPerMTok: count.optional(),
        cacheReadPerMTok: count.optional(),
      }),
    )
    .max(1000),
  classify: z.object({ watchdog: z.enum(["stalled", "error_loop"]), detail: z.string().min(1).max(500) }).nullish(),
} satisfies Record<keyof PluginHooks, z.ZodType>;

/** How long one hook call may take before its plugin counts as broken. */
export const HOOK_TIMEOUT_MS = 5_000;

export interface PluginStatus {
  name: string;
  version: string | null;
  /** Where it was loaded from (a package name or a path). */
  source: string;
  enabled: boolean;
  /** Why it was disabled: its failure, in its own words. */
  error: string | null;
  hooks: string[];
}

type Log = (level: "info" | "warn" | "error", msg: string, meta?: Record<string, unknown>) => void;

interface Loaded {
  status: PluginStatus;
  hooks: PluginHooks;
}

const isPath = (spec: string) => spec.startsWith(".") || isAbsolute(spec);

/** A path naming a folder stands for every module in it (.ts, .mts, .js, .mjs), in name order. */
async function expandFolders(specs: string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const spec of specs) {
    const full = resolve(cwd, spec);
    const isFolder =
      isPath(spec) &&
      (await stat(full).then(
        (s) => s.isDirectory(),
        () => false,
      ));
    if (!isFolder) {
      out.push(spec);
      continue;
    }
    const names = (await readdir(full)).filter((n) => /\.(m?ts|m?js)$/.test(n) && !/\.(test|d)\.m?ts$/.test(n)).sort();
    out.push(...names.map((n) => join(full, n)));
  }
  return out;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

let typescriptLoading: Promise<unknown> | null = null;

/**
 * Plugins given as paths are TypeScript, or import `@stratavore/contracts` (a path of this
 * repository's tsconfig, not a package). A server on plain Node (the bundle `npm start` runs)
 * registers tsx the first time such a plugin is configured, and only then (tsx costs ~45 MB
 * resident); one run from its sources is under tsx already.
 */
function registerTypescriptLoader(): Promise<unknown> {
  typescriptLoading ??= import("tsx/esm/api").then(({ register }) => register());
  return typescriptLoading;
}

/**
 * The loaded plugins and the failure boundary around them: every hook call is awaited with a
 * time limit and caught; a plugin whose hook throws or times out is disabled for the rest of
 * the process and reported (`onDisabled`: the log and the audit log). The others go on.
 */
export class PluginHost {
  private constructor(
    private readonly plugins: Loaded[],
    private readonly log: Log,
    private readonly onDisabled: (status: PluginStatus) => void,
    private readonly timeoutMs: number,
  ) {}

  static readonly none = new PluginHost(
    [],
    () => undefined,
    () => undefined,
    HOOK_TIMEOUT_MS,
  );

  /**
   * Loads each spec (an npm package name, or a path to a module — relative to `cwd`), checks its
   * config (`configs[plugin.name]`) against its schema and runs its setup, each inside the boundary:
   * one that fails to load, has a bad config or throws in setup is listed as disabled.
   */
  static async load(
    specs: string[],
    configs: Record<string, unknown>,
    opts: {
      cwd: string;
      log: Log;
      onDisabled?: (status: PluginStatus) => void;
      timeoutMs?: number;
      /** The process runs on plain Node: plugins given as paths need tsx registered to load. */
      needsTypescriptLoader?: boolean;
    },
  ): Promise<PluginHost> {
    const loaded: Loaded[] = [];
    for (const source of await expandFolders(specs, opts.cwd)) {
      const status: PluginStatus = { name: source, version: null, source, enabled: false, error: null, hooks: [] };
      try {
        const url =
          source.startsWith(".") || isAbsolute(source) ? pathToFileURL(resolve(opts.cwd, source)).href : source;
        if (opts.needsTypescriptLoader && url.startsWith("file:")) await registerTypescriptLoader();
        const mod = (await import(url)) as { default?: StratavorePlugin };
        const plugin = mod.default;
        if (!plugin || typeof plugin.name !== "string" || typeof plugin.setup !== "function")
          throw new Error("its default export is not a plugin (use definePlugin from @stratavore/contracts)");
        status.name = plugin.name;
        status.version = plugin.version ?? null;
        if (loaded.some((l) => l.status.name === plugin.name))
          throw new Error(`a plugin named '${plugin.name}' is already loaded`);
        const raw = configs[plugin.name];
        const parsed = plugin.configSchema
          ? plugin.configSchema.safeParse(raw ?? {})
          : { success: true as const, data: raw };
        if (!parsed.success)
          throw new Error(
            `its config is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ")}`,
          );
        const pluginLog: Log = (level, msg, meta) => opts.log(level, `plugin ${plugin.name}: ${msg}`, meta);
        const hooks = await withTimeout(
          Promise.resolve(plugin.setup({ config: parsed.data, log: pluginLog })),
          opts.timeoutMs ?? HOOK_TIMEOUT_MS,
          "setup",
        );
        status.enabled = true;
        status.hooks = Object.keys(hooks).filter((k) => typeof (hooks as Record<string, unknown>)[k] === "function");
        loaded.push({ status, hooks });
        opts.log("info", "plugin loaded", { plugin: plugin.name, source, hooks: status.hooks });
      } catch (err) {
        status.error = err instanceof Error ? err.message : String(err);
        loaded.push({ status, hooks: {} });
        opts.log("error", "plugin disabled: it failed to load", { plugin: status.name, source, error: status.error });
        opts.onDisabled?.(status);
      }
    }
    return new PluginHost(loaded, opts.log, opts.onDisabled ?? (() => undefined), opts.timeoutMs ?? HOOK_TIMEOUT_MS);
  }

  list(): PluginStatus[] {
    return this.plugins.map((p) => ({ ...p.status, hooks: [...p.status.hooks] }));
  }

  /** Calls `hook` on every enabled plugin that has it, each in the boundary; the failures are disabled. */
  private async each<K extends keyof PluginHooks, R>(
    hook: K,
    call: (fn: NonNullable<PluginHooks[K]>) => Promise<R> | R,
  ): Promise<{ name: string; result: R }[]> {
    const out: { name: string; result: R }[] = [];
    for (const p of this.plugins) {
      const fn = p.hooks[hook];
      if (!p.status.enabled || !fn) continue;
      try {
        const result = await withTimeout(
          Promise.resolve(call(fn.bind(p.hooks) as NonNullable<PluginHooks[K]>)),
          this.timeoutMs,
          hook,
        );
        const checked = ANSWERS[hook].safeParse(result);
        if (!checked.success)
          throw new Error(
            `it answered what a ${hook} hook may not: ${checked.error.issues[0]?.message ?? "bad shape"}`,
          );
        out.push({ name: p.status.name, result });
      } catch (err) {
        p.status.enabled = false;
        p.status.error = `${hook}: ${err instanceof Error ? err.message : String(err)}`;
        this.log("error", "plugin disabled: a hook failed", { plugin: p.status.name, error: p.status.error });
        this.onDisabled({ ...p.status });
      }
    }
    return out;
  }

  async emit(events: PluginEvent[]): Promise<void> {
    for (const event of events) await this.each("onEvent", (fn) => fn(event));
  }

  /** Every plugin's additions, merged in load order. */
  async beforeLaunch(launch: LaunchContext): Promise<Required<LaunchAddition>> {
    const merged: Required<LaunchAddition> = { extraArgs: [], mcpServers: {}, tags: [] };
    for (const { result } of await this.each("beforeLaunch", (fn) => fn(launch))) {
      if (!result) continue;
      merged.extraArgs.push(...(result.extraArgs ?? []));
      Object.assign(merged.mcpServers, result.mcpServers ?? {});
      merged.tags.push(...(result.tags ?? []));
    }
    return merged;
  }

  async prices(): Promise<PluginPrice[]> {
    return (await this.each("prices", (fn) => fn())).flatMap((r) => r.result);
  }

  /** The first finding any plugin reports, with its plugin's name. */
  async classify(runner: WatchedRunnerView): Promise<(PluginFinding & { plugin: string }) | null> {
    for (const { name, result } of await this.each("classify", (fn) => fn(runner)))
      if (result) return { ...result, plugin: name };
    return null;
  }
}
