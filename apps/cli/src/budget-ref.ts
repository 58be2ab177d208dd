import type { ApiClient } from "@stratavore/api-client";
import type { Budget } from "@stratavore/contracts";
import { CliError } from "./cli-error.ts";
import { MIN_PREFIX, UUID_RE } from "./id-prefix.ts";

export const BUDGET_ARG_HELP = `budget id, a unique prefix of at least ${MIN_PREFIX} characters, or its name`;

/** A full id goes straight to the server; a prefix or a name is matched among all budgets (there are few). */
export async function resolveBudget(api: ApiClient, ref: string): Promise<Budget> {
  const text = ref.trim();
  const id = text.toLowerCase();
  if (UUID_RE.test(id)) return api.budgets.get.query({ id });
  const all = await api.budgets.list.query();
  const byName = all.filter((b) => b.name === text);
  const byPrefix = id.length >= MIN_PREFIX && /^[0-9a-f-]+$/.test(id) ? all.filter((b) => b.id.startsWith(id)) : [];
  const matches = [...new Map([...byName, ...byPrefix].map((b) => [b.id, b])).values()];
  const [only] = matches;
  if (!only)
    throw new CliError(
      "NOT_FOUND",
      `No budget '${text}' (by id, id prefix or name); 'stratavore budget list' shows them.`,
    );
  if (matches.length > 1) {
    throw new CliError(
      "AMBIGUOUS",
      `'${text}' matches ${matches.length} budgets (${matches.map((b) => b.id.slice(0, 8)).join(", ")}); pass the id.`,
    );
  }
  return only;
}
