import type { SessionCostCheck } from "@stratavore/contracts";
import { lastCostState, sessionSpendByModel } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { getSession } from "./sessions-service.ts";

interface ClaudeModelUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  costUSD?: number;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0);
/** More than this apart (relative) is worth showing. */
const TOLERANCE = 0.01;

/**
 * Our ledger's cost of a session against claude's own running total, from the last
 * `cost-state` line archived (claude keeps one per session, last wins; a resume carries it on).
 * Null when the session holds none (older claude versions, or nothing archived yet). When
 * responses came after it (claude is still at work there), the two cover different spans: no
 * difference is claimed (`stale`).
 */
export async function sessionCostCheck(deps: ApiDeps, sessionId: string): Promise<SessionCostCheck | null> {
  await getSession(deps, sessionId);
  const last = await lastCostState(deps.db, sessionId);
  const state = parse(last?.rawLine ?? null);
  if (!state) return null;
  const stale = last?.responsesAfter ?? false;
  const claudeModels = (
    typeof state.modelUsage === "object" && state.modelUsage !== null ? state.modelUsage : {}
  ) as Record<string, ClaudeModelUsage>;
  const ours = await sessionSpendByModel(deps.db, sessionId);
  const oursBy = new Map(ours.map((o) => [o.model, o]));
  const models = [...new Set([...Object.keys(claudeModels), ...oursBy.keys()])].sort().map((model) => {
    const c = claudeModels[model] ?? {};
    const o = oursBy.get(model);
    return {
      model,
      claudeUsd: num(c.costUSD),
      oursUsd: !o ? 0 : o.usd === null ? null : Number(o.usd),
      claudeTokens:
        num(c.inputTokens) + num(c.outputTokens) + num(c.cacheReadInputTokens) + num(c.cacheCreationInputTokens),
      oursTokens: Number(o?.tokens ?? 0),
      estimated: o?.estimated ?? false,
    };
  });
  const claudeUsd = num(state.totalCostUSD);
  const oursUsd = models.reduce((sum, m) => sum + (m.oursUsd ?? 0), 0);
  const differencePercent = claudeUsd > 0 ? ((oursUsd - claudeUsd) / claudeUsd) * 100 : null;
  return {
    claudeUsd,
    oursUsd,
    differencePercent,
    differs: !stale && (claudeUsd > 0 ? Math.abs(oursUsd - claudeUsd) / claudeUsd > TOLERANCE : oursUsd > 0),
    stale,
    claudeMissedPrices: state.hasUnknownModelCost === true,
    // The models that make the difference first.
    models: models.sort((a, b) => Math.abs((b.oursUsd ?? 0) - b.claudeUsd) - Math.abs((a.oursUsd ?? 0) - a.claudeUsd)),
  };
}

function parse(line: string | null): Record<string, unknown> | null {
  if (!line) return null;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
