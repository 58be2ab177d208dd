import { SHIPPED_PRICES, cachePricesFrom, canonicalModel } from "@stratavore/contracts";
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
    // By the id prices are looked up by: a plugin's dated spelling of a shipped model does not replace it.
    const shipped = new Set(SHIPPED_PRICES.map((p) => canonicalModel(p.modelPattern)));
    const overridden = new Set((await listPriceOverrides(deps.db)).map((p) => canonicalModel(p.modelPattern)));
    for (const p of offered) {
      const id = canonicalModel(p.model);
      if (shipped.has(id) || overridden.has(id)) continue;
      const cache = cachePricesFrom(p.inputPerMTok);
      await inTransaction(deps.db, deps.bus, async (tx) => {
        await replacePriceOverride(tx, `plugin-${p.model}`, {
          modelPattern: p.model,
          input: p.inputPerMTok,
          output: p.outputPerMTok,
          cacheWrite5m: p.cacheWrite5mPerMTok ?? cache.cacheWrite5m,
          cacheWrite1h: p.cacheWrite1hPerMTok ?? cache.cacheWrite1h,
          cacheRead: p.cacheReadPerMTok ?? cache.cacheRead,
        });
        await audit(tx, deps.config.auditKey, null, {
          type: "price.from_plugin",
          entityType: "price",
          entityId: id,
          data: { ...p },
        });
      });
      overridden.add(id);
    }
    forgetPriceBook();
  }
  return host;
}
