import Link from "next/link";
import { runnerWhy, type Runner } from "@stratavore/contracts";

/**
 * Why a runner is paused or stopped, in words; a budget's name links to it on the Budgets
 * page ("Paused by budget <daily-webshop> (120 % of $20)").
 */
export function RunnerWhyText({ runner }: { runner: Runner }) {
  const why = runnerWhy(runner);
  if (!why) return null;
  const m = runner.pausedByBudgetId ? /^(.*?budget )'([^']+)'(.*)$/s.exec(why) : null;
  if (!m) return <>{why}</>;
  return (
    <>
      {m[1]}
      <Link href={`/budgets#budget-${runner.pausedByBudgetId}`} data-testid="pause-budget-link">
        {m[2]}
      </Link>
      {m[3]}
    </>
  );
}
