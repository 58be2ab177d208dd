import { extraArgsSchema, type LaunchContext } from "@stratavore/contracts";
import type { ApiDeps } from "../deps.ts";

/**
 * What plugins' launch hooks add to a runner: claude flags (MCP servers become one
 * `--mcp-config` flag) and tags. Flags get the same checks as a user's; ones refused are
 * dropped with a warning rather than failing the launch.
 */
export async function pluginAdditions(
  deps: ApiDeps,
  launch: LaunchContext,
): Promise<{ flags: string[]; tags: string[] }> {
  if (!deps.plugins) return { flags: [], tags: [] };
  const added = await deps.plugins.beforeLaunch(launch);
  const mcp = Object.keys(added.mcpServers).length
    ? ["--mcp-config", JSON.stringify({ mcpServers: added.mcpServers })]
    : [];
  const flags = [...added.extraArgs, ...mcp];
  const checked = extraArgsSchema.safeParse(flags);
  const tags = added.tags.filter((t) => typeof t === "string" && t.length > 0 && t.length <= 100).slice(0, 20);
  if (checked.success) return { flags, tags };
  deps.log("warn", "flags from plugins' launch hooks refused; launching without them", {
    project: launch.project.name,
    issues: checked.error.issues.map((i) => i.message),
  });
  return { flags: [], tags };
}
