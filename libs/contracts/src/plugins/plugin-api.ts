import { z } from "zod";
import type { Announcement } from "../schemas/notification.ts";

/**
 * The plugin API (docs/PLUGINS.md). A plugin is a module whose default export is
 * `definePlugin({...})`. The server loads the plugins it is told to at start (package names or
 * paths in STRATAVORE_PLUGINS), checks each one's config against its own schema, and calls
 * its hooks inside a failure boundary: a hook that throws (or takes longer than its time limit)
 * disables that plugin — reported in the log, the audit log and `plugins.list` — and nothing
 * else. No hook can take the server down or block a launch for long.
 */
export interface StratavorePlugin<Config = unknown> {
  /** Unique; also the key of its config in STRATAVORE_PLUGIN_CONFIG. */
  name: string;
  version?: string;
  /** Its config's schema; the parsed value is passed to setup. Absent: no config. */
  configSchema?: z.ZodType<Config>;
  setup(ctx: PluginContext<Config>): PluginHooks | Promise<PluginHooks>;
}

export interface PluginContext<Config> {
  config: Config;
  log(level: "info" | "warn" | "error", msg: string, meta?: Record<string, unknown>): void;
}

export interface PluginHooks {
  /**
   * An event subscriber (and the way to write a notification channel): every announced event
   * (runner started, budget exceeded, runner waiting…, the same the channels get), once per
   * cluster, after it is committed. At most once: an event in flight when the server dies is
   * not replayed to plugins.
   */
  onEvent?(event: PluginEvent): void | Promise<void>;
  /**
   * Before a runner is admitted: flags for claude, MCP servers, tags to show on the runner.
   * Flags go through the same checks as a user's (no session flags); a restart keeps them.
   */
  beforeLaunch?(launch: LaunchContext): LaunchAddition | void | Promise<LaunchAddition | void>;
  /** Prices (USD per million tokens) for models the built-in table lacks; read at start. */
  prices?(): PluginPrice[] | Promise<PluginPrice[]>;
  /** A watchdog classifier: asked about each running runner the built-in rules found nothing wrong with. */
  classify?(runner: WatchedRunnerView): PluginFinding | null | Promise<PluginFinding | null>;
}

export type PluginEvent = Announcement;

export interface LaunchContext {
  project: { id: string; name: string; path: string };
  model: string | null;
  prompt: string | null;
  flags: readonly string[];
  /** Started by a project's pool for a task. */
  pooled: boolean;
}

export interface LaunchAddition {
  extraArgs?: string[];
  /** Passed to claude as `--mcp-config '{"mcpServers": …}'`. */
  mcpServers?: Record<string, unknown>;
  /** Free-form tags shown on the runner ("branch:main"). */
  tags?: string[];
}

export interface PluginPrice {
  /** An exact model id ("acme-coder-1"). */
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
  cacheWrite5mPerMTok?: number;
  cacheWrite1hPerMTok?: number;
  cacheReadPerMTok?: number;
}

export interface WatchedRunnerView {
  id: string;
  projectName: string;
  activity: string | null;
  /** The latest line on its screen, or the question it waits on. */
  activityLine: string | null;
  activityAt: Date | null;
}

export interface PluginFinding {
  /** Shown and acted on as the built-in findings are (the project's watchdog actions apply). */
  watchdog: "stalled" | "error_loop";
  detail: string;
}

/** Identity, for type inference in plugin modules. */
export function definePlugin<Config>(plugin: StratavorePlugin<Config>): StratavorePlugin<Config> {
  return plugin;
}

/** A loaded plugin as `plugins.list` shows it. */
export const pluginStatusSchema = z.object({
  name: z.string(),
  version: z.string().nullable(),
  source: z.string(),
  enabled: z.boolean(),
  error: z.string().nullable(),
  hooks: z.array(z.string()),
});
export const pluginListOutput = z.array(pluginStatusSchema);
