import { errorMessage, fieldIssues } from "../hooks/use-error-message";
import type { BudgetFieldErrors } from "./budget-form";

const FIELDS = new Set(["name", "scope", "scopeRef", "period", "limitTokens", "limitUsd", "warnPercent", "action"]);

/** A failed create or update as form errors: the server's field issues by field, anything else on top. */
export function budgetErrorsFrom(err: unknown): BudgetFieldErrors {
  const out: BudgetFieldErrors = {};
  for (const [field, message] of Object.entries(fieldIssues(err))) {
    if (FIELDS.has(field)) out[field as keyof BudgetFieldErrors] = message;
  }
  if (Object.keys(out).length === 0) out.form = errorMessage(err).message;
  return out;
}
