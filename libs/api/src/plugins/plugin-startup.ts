import { SHIPPED_PRICES } from "@stratavore/contracts";
import { listPriceOverrides, replacePriceOverride } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { forgetPriceBook } from "../pricing/price-book.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { PluginHost, type PluginStatus } from "./plugin-host.ts";

/**
 * Loads the configured plugins into `deps.plugins`. Each one disabled (at load or later) is an
 * audit event, `plugin.disabled`, naming it and why. Prices plugins offer for models the
 * shipped table lacks are added as overrides — unless an admin already set that model's price.
 */
export async function startPlugins(
  deps: ApiDeps,
  specs: string[],
  configs: Record<string, unknown>,
  cwd: string,
  /** The server runs on plain Node (bundled): plugins given as paths need the tsx loader. */
  needsTypescriptLoader = false,
): Promise<PluginHost> {
  const reportDisabled = (status: PluginStatus) =>
    void inTransaction(deps.db, deps.bus, (tx) =>
      audit(tx, deps.config.auditKey, null, {
        type: "plugin.disabled",
        entityType: "plugin",
        entityId: status.name,
        data: { source: status.source, error: status.error },
      }),
    ).catch((err: unknown) => deps.log("error", "recording a disabled plugin failed", { error: String(err) }));
  const host = await PluginHost.load(specs, configs, {
    cwd,
    log: deps.log,
    onDisabled: reportDisabled,
    needsTypescriptLoader,
  });
  deps.plugins = host;
  const offered = await host.prices();
  if (offered.length) {
    const shipped = new Set(SHIPPED_PRICES.map((p) => p.modelPattern));
    const overridden = new Set((await listPriceOverrides(deps.db)).map((p) => p.modelPattern));
    for (const p of offered) {
      if (shipped.has(p.model) || overridden.has(p.model)) continue;
      await inTransaction(deps.db, deps.bus, async (tx) => {
        await replacePriceOverride(tx, `plugin-${p.model}`, {
          modelPattern: p.model,
          input: p.inputPerMTok,
          output: p.outputPerMTok,
          cacheWrite5m: p.cacheWrite5mPerMTok ?? p.inputPerMTok * 1.25,
          cacheWrite1h: p.cacheWrite1hPerMTok ?? p.inputPerMTok * 2,
          cacheRead: p.cacheReadPerMTok ?? p.inputPerMTok * 0.1,
        });
        await audit(tx, deps.config.auditKey, null, {
          type: "price.from_plugin",
          entityType: "price",
          entityId: p.model,
          data: { ...p },
        });
      });
      overridden.add(p.model);
    }
    forgetPriceBook();
  }
  return host;
}
